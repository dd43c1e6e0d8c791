import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('config', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({}, '/srv/ferry');
    expect(c).toMatchObject({ port: 8006, listen: '0.0.0.0', libvirtUri: 'qemu:///system', tls: 'self-signed', adminPassword: null });
    expect(c.dataDir).toBe(process.getuid?.() === 0 ? '/var/lib/ferry' : '/srv/ferry/data');
  });

  it('reads every FERRY_ variable', () => {
    const c = loadConfig({ FERRY_PORT: '9000', FERRY_LISTEN: '127.0.0.1', FERRY_DATA_DIR: 'd', FERRY_LIBVIRT_URI: 'test:///default', FERRY_ADMIN_PASSWORD: 'correct horse', FERRY_TLS_CERT: '/c', FERRY_TLS_KEY: '/k' }, '/x');
    expect(c).toMatchObject({ port: 9000, listen: '127.0.0.1', dataDir: '/x/d', libvirtUri: 'test:///default', adminPassword: 'correct horse', tls: { cert: '/c', key: '/k' } });
    expect(loadConfig({ FERRY_INSECURE_HTTP: '1' }).tls).toBeNull();
  });

  it('refuses bad values with a message naming the variable', () => {
    expect(() => loadConfig({ FERRY_PORT: '70000' })).toThrow(/FERRY_PORT/);
    expect(() => loadConfig({ FERRY_ADMIN_PASSWORD: 'short' })).toThrow(/FERRY_ADMIN_PASSWORD/);
    expect(() => loadConfig({ FERRY_TLS_CERT: '/c' })).toThrow(/go together/);
    expect(() => loadConfig({ FERRY_INSECURE_HTTP: 'yes' })).toThrow(/FERRY_INSECURE_HTTP/);
  });
});
