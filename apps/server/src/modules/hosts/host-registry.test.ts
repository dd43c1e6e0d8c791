import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Libvirt } from '@ferry/libvirt';
import { openMemoryDatabase } from '../../db/database.ts';
import { HostRegistry, FIRST_HOST_ID, toHostDto } from './host-registry.ts';
import { AppError } from '../../lib/app-error.ts';

let lv: Libvirt;
let registry: HostRegistry;
beforeAll(async () => {
  lv = await Libvirt.start();
  registry = new HostRegistry(openMemoryDatabase(), lv, { initialMs: 20, maxMs: 100 });
  registry.start('test:///default');
  await registry.get(FIRST_HOST_ID).waitConnected(5000);
});
afterAll(async () => {
  await registry.stop();
  await lv.close();
});

const codeOf = async (p: Promise<unknown>) => (await p.then(() => null, (e: unknown) => e)) as AppError | null;

describe('host registry', () => {
  it('seeds the first host from the configured URI and connects it', () => {
    const dto = toHostDto(registry.get(FIRST_HOST_ID));
    expect(dto).toMatchObject({ id: 'local', uri: 'test:///default', state: 'connected', lastError: null });
    expect(dto.libvirtVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('finds a VM on the host it runs on', async () => {
    const conn = registry.get(FIRST_HOST_ID).requireConnection();
    const test = await conn.lookupDomainByName('test');
    const found = await registry.findVm(test.uuid);
    expect(found.host.id).toBe(FIRST_HOST_ID);
    expect(found.ref.name).toBe('test');
    expect(await registry.vmHostId(test.uuid)).toBe(FIRST_HOST_ID);
  });

  it('answers NOT_FOUND for an unknown VM while every host is connected', async () => {
    expect((await codeOf(registry.findVm('00000000-0000-4000-8000-000000000000')))?.code).toBe('NOT_FOUND');
  });

  it('keeps an unreachable host disconnected, retrying, and refuses mutations there', async () => {
    const host = registry.create({ name: 'Nowhere', uri: 'qemu+tcp://127.0.0.1:1/system' });
    expect(host.id).toBe('nowhere');
    const deadline = Date.now() + 5000;
    while (host.state !== 'disconnected' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(host.state).toBe('disconnected');
    expect(host.lastError).toMatch(/connect/i);
    expect(() => host.requireConnection()).toThrow(expect.objectContaining({ code: 'HYPERVISOR_UNAVAILABLE' }));
    // A VM that is on no connected host may be on the unreachable one: 503, not 404.
    expect((await codeOf(registry.findVm('00000000-0000-4000-8000-000000000000')))?.code).toBe('HYPERVISOR_UNAVAILABLE');
    await registry.remove('nowhere');
    expect(() => registry.get('nowhere')).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('refuses duplicate ids and names, renames, and reconnects on a new URI', async () => {
    const h = registry.create({ name: 'Lab 2', uri: 'test:///default', id: 'lab2' });
    await h.waitConnected(5000);
    expect(() => registry.create({ name: 'lab 2', uri: 'test:///default' })).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(() => registry.create({ name: 'Other', uri: 'test:///default', id: 'lab2' })).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    await registry.update('lab2', { name: 'Lab Two', migrationUri: 'qemu+tcp://10.99.0.2/system' });
    expect(registry.get('lab2').record).toMatchObject({ name: 'Lab Two', migrationUri: 'qemu+tcp://10.99.0.2/system' });
    await registry.update('lab2', { uri: 'qemu+tcp://127.0.0.1:1/system' });
    expect(registry.get('lab2').state).not.toBe('connected');
    await registry.remove('lab2');
  });

  it('tells listeners about every (re)connection', async () => {
    const seen: string[] = [];
    const off = registry.onConnected((host) => { seen.push(host.id); });
    const h = registry.create({ name: 'Listener', uri: 'test:///default' });
    await h.waitConnected(5000);
    off();
    expect(seen).toContain('listener');
    await registry.remove('listener');
  });
});
