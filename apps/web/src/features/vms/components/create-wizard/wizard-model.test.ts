import { describe, expect, it } from 'vitest';
import { network, pool } from '../../../../testing/fixtures.ts';
import { buildBody, hostDefaults, initialForm, validate } from './wizard-model.ts';

describe('the create wizard\'s model', () => {
  it('defaults to the host\'s "default" pool and network, else the first active ones', () => {
    expect(hostDefaults([pool({ name: 'fast' }), pool({ name: 'default' })], [network({ name: 'lab' }), network({ name: 'default' })]))
      .toEqual({ diskPool: 'default', isoPool: 'default', network: 'default', disk: 'new' });
    expect(hostDefaults([pool({ name: 'off', active: false }), pool({ name: 'fast' })], [network({ name: 'lab', active: false })]))
      .toEqual({ diskPool: 'fast', isoPool: 'fast', network: '', disk: 'new' });
    expect(hostDefaults([], []).disk).toBe('none');
  });

  it('makes the request body from the form: a name and the defaults are enough', () => {
    const f = { ...initialForm('local'), ...hostDefaults([pool()], [network()]), name: ' web-1 ' };
    expect(validate(f)).toEqual({});
    expect(buildBody(f)).toEqual({
      name: 'web-1', hostId: 'local', vcpus: 1, memoryMiB: 1024, firmware: 'bios',
      disks: [{ pool: 'default', sizeGiB: 10, format: 'qcow2' }], nics: [{ network: 'default' }], start: false,
    });
  });

  it('adds an ISO as a CD-ROM, an existing volume, tags and a description', () => {
    const f = {
      ...initialForm('local'), name: 'db', disk: 'existing' as const, diskPool: 'p', diskVolume: 'db.qcow2', isoPool: 'isos', iso: 'debian.iso',
      tags: 'prod, db  eu', description: 'the database', network: '',
    };
    expect(buildBody(f)).toMatchObject({
      disks: [{ pool: 'p', volume: 'db.qcow2' }, { pool: 'isos', iso: 'debian.iso' }], tags: ['prod', 'db', 'eu'], description: 'the database', nics: [],
    });
  });

  it('refuses what the server would refuse, with the contract\'s messages', () => {
    const base = { ...initialForm('local'), disk: 'none' as const };
    expect(validate({ ...base, name: '' }).name).toBe('a name is required');
    expect(validate({ ...base, name: '-bad name' }).name).toMatch(/letters, digits/);
    expect(validate({ ...base, name: 'ok', tags: 'fine bad!tag' }).tags).toMatch(/bad!tag/);
    expect(validate({ ...base, name: 'ok', memoryMiB: 4 }).memoryMiB).toBeDefined();
    expect(validate({ ...base, name: 'ok', description: '<script>' }).description).toMatch(/plain text/);
    expect(validate({ ...base, name: 'ok', disk: 'new', diskPool: '' }).diskPool).toBe('choose a storage pool');
  });
});
