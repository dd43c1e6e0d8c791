// HTTPS by default: the self-signed certificate made on first run (key 0600, SAN for the
// names a browser will use), reused on the next start, refused with a clear message when
// broken; and the real server answering over TLS.
import https from 'node:https';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { openMemoryDatabase } from './db/database.ts';
import { TlsError, loadConfiguredCertificate, loadOrCreateCertificate, selfSignedPaths } from './lib/tls.ts';
import { testConfig } from './test-support/build-test-app.ts';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'ferry-tls-'));
  dirs.push(d);
  return d;
};
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('the self-signed certificate', () => {
  it('is made on first run: key 0600 in a 0700 dir, SAN for the host, localhost and loopback', () => {
    const dataDir = freshDir();
    const tls = loadOrCreateCertificate(dataDir, 'kvm-01.example');
    const { dir, keyPath, certPath } = selfSignedPaths(dataDir);
    expect(tls.generated).toBe(true);
    expect(tls.certPath).toBe(certPath);
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const cert = new X509Certificate(tls.cert);
    expect(cert.subjectAltName).toContain('DNS:kvm-01.example');
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.subject).toContain('CN=kvm-01.example');
    expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now() + 5 * 365 * 86_400_000);
    expect(cert.fingerprint256).toBe(tls.fingerprint256);
  });

  it('is reused on the next start, byte for byte', () => {
    const dataDir = freshDir();
    const first = loadOrCreateCertificate(dataDir);
    const again = loadOrCreateCertificate(dataDir);
    expect(again.generated).toBe(false);
    expect(again.cert.equals(first.cert)).toBe(true);
    expect(again.key.equals(first.key)).toBe(true);
  });

  it('is made anew when half of the pair is missing', () => {
    const dataDir = freshDir();
    const first = loadOrCreateCertificate(dataDir);
    unlinkSync(selfSignedPaths(dataDir).certPath);
    const second = loadOrCreateCertificate(dataDir);
    expect(second.generated).toBe(true);
    expect(second.key.equals(first.key)).toBe(false);
  });

  it('refuses a corrupt certificate with a message saying what to do', () => {
    const dataDir = freshDir();
    loadOrCreateCertificate(dataDir);
    writeFileSync(selfSignedPaths(dataDir).certPath, 'not a certificate');
    expect(() => loadOrCreateCertificate(dataDir)).toThrow(TlsError);
    expect(() => loadOrCreateCertificate(dataDir)).toThrow(/is not a PEM certificate; move .*tls aside/);
  });

  it('says so clearly when openssl is missing', () => {
    const saved = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(() => loadOrCreateCertificate(freshDir())).toThrow(/openssl command is not installed/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('a configured certificate (FERRY_TLS_CERT / FERRY_TLS_KEY)', () => {
  it('is loaded when key and certificate match', () => {
    const { certPath, keyPath } = selfSignedPaths(freshDir());
    const made = loadOrCreateCertificate(path.dirname(path.dirname(certPath)));
    const tls = loadConfiguredCertificate(certPath, keyPath);
    expect(tls.generated).toBe(false);
    expect(tls.fingerprint256).toBe(made.fingerprint256);
  });

  it('is refused when the key belongs to another certificate, or a file is missing', () => {
    const a = loadOrCreateCertificate(freshDir());
    const b = selfSignedPaths(freshDir());
    loadOrCreateCertificate(path.dirname(b.dir));
    expect(() => loadConfiguredCertificate(a.certPath, b.keyPath)).toThrow(/does not belong to the certificate/);
    expect(() => loadConfiguredCertificate('/nonexistent/ferry.crt', b.keyPath)).toThrow(/cannot read the TLS certificate \/nonexistent\/ferry.crt: ENOENT/);
  });
});

describe('the server over TLS', () => {
  it('answers /api/v1/health over HTTPS, with a certificate valid for localhost', async () => {
    const tls = loadOrCreateCertificate(freshDir());
    const app = await buildApp({ config: testConfig(), db: openMemoryDatabase(), logger: false, https: { key: tls.key, cert: tls.cert } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as AddressInfo;
      const get = (opts: https.RequestOptions) => new Promise<{ status: number; headers: Record<string, unknown>; body: string; peerFingerprint: string }>((resolve, reject) => {
        const req = https.get({ host: '127.0.0.1', port, path: '/api/v1/health', agent: false, ...opts }, (res) => {
          const peerFingerprint = (res.socket as TLSSocket).getPeerCertificate().fingerprint256;
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => { body += d; });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, peerFingerprint }));
        });
        req.on('error', reject);
      });
      // As a script with `curl -k` does.
      const insecure = await get({ rejectUnauthorized: false });
      expect(insecure.status).toBe(200);
      expect(JSON.parse(insecure.body)).toEqual({ status: 'ok' });
      expect(insecure.headers['strict-transport-security']).toBe('max-age=31536000');
      expect(insecure.peerFingerprint).toBe(tls.fingerprint256);
      // As a browser that trusts the certificate does: the name must match the SAN.
      const verified = await get({ ca: tls.cert, servername: 'localhost', rejectUnauthorized: true });
      expect(verified.status).toBe(200);
      // Plain HTTP to the TLS port is not served.
      const plain = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status, () => 'refused');
      expect(plain).not.toBe(200);
    } finally {
      await app.close();
    }
  });
});
