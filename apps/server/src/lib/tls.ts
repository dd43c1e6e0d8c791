// HTTPS by default: a self-signed certificate made on first run and kept in the data dir
// (RSA 3072, 10 years, SAN for this host's name, localhost and 127.0.0.1), unless the
// operator configures their own certificate and key.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export interface TlsFiles { key: Buffer; cert: Buffer; certPath: string; generated: boolean }

export function loadOrCreateCertificate(dataDir: string): TlsFiles {
  const dir = path.join(dataDir, 'tls');
  const keyPath = path.join(dir, 'ferry.key');
  const certPath = path.join(dir, 'ferry.crt');
  let generated = false;
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    const host = hostname();
    execFileSync('mkdir', ['-p', '-m', '700', dir]);
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-days', '3650',
      '-keyout', keyPath, '-out', certPath,
      '-subj', `/CN=${host}/O=Ferry self-signed`,
      '-addext', `subjectAltName=DNS:${host},DNS:localhost,IP:127.0.0.1`,
    ], { stdio: 'ignore' });
    execFileSync('chmod', ['600', keyPath]);
    generated = true;
  }
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath, generated };
}

export function loadConfiguredCertificate(certPath: string, keyPath: string): TlsFiles {
  return { key: readFileSync(keyPath), cert: readFileSync(certPath), certPath, generated: false };
}
