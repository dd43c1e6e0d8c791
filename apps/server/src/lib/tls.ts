// HTTPS by default: a self-signed certificate made on first run and kept in the data dir
// (<dataDir>/tls/ferry.{key,crt}: ECDSA P-256, 10 years, SAN for this host's name, localhost,
// 127.0.0.1 and ::1), unless the operator configures their own certificate and key.
//
// The key is made by Node and written with mode 0600 from its first byte (no chmod after the
// fact); openssl only signs the certificate for it. Both files are written under temporary
// names and renamed, the certificate last, so a crash half-way leaves no key without a
// certificate and the next start simply makes a new pair. Whatever is loaded is checked
// (parses, key matches certificate) so a bad file stops start-up with one clear line instead
// of a TLS error deep inside Node.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

export interface TlsFiles {
  key: Buffer;
  cert: Buffer;
  certPath: string;
  /** True when this start made a new self-signed certificate. */
  generated: boolean;
  /** SHA-256 fingerprint, for the operator to compare with what the browser shows. */
  fingerprint256: string;
  validTo: string;
}

/** A certificate or key that cannot be made or used; its message is meant for the operator. */
export class TlsError extends Error {
  override readonly name = 'TlsError';
}

export function selfSignedPaths(dataDir: string): { dir: string; keyPath: string; certPath: string } {
  const dir = path.join(dataDir, 'tls');
  return { dir, keyPath: path.join(dir, 'ferry.key'), certPath: path.join(dir, 'ferry.crt') };
}

export function loadOrCreateCertificate(dataDir: string, host = hostname()): TlsFiles {
  const { dir, keyPath, certPath } = selfSignedPaths(dataDir);
  let generated = false;
  if (!existsSync(keyPath) || !existsSync(certPath)) {
    createSelfSigned(dir, keyPath, certPath, host);
    generated = true;
  }
  try {
    return { ...check(certPath, keyPath), certPath, generated };
  } catch (e) {
    if (e instanceof TlsError && !generated) throw new TlsError(`${e.message}; move ${dir} aside to have a new certificate made`);
    throw e;
  }
}

export function loadConfiguredCertificate(certPath: string, keyPath: string): TlsFiles {
  return { ...check(certPath, keyPath), certPath, generated: false };
}

function createSelfSigned(dir: string, keyPath: string, certPath: string, host: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new TlsError(`cannot create ${dir}: ${(e as Error).message}`);
  }
  const tmpKey = `${keyPath}.tmp-${process.pid}`;
  const tmpCert = `${certPath}.tmp-${process.pid}`;
  try {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(tmpKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'w' });
    const names = [...new Set([host, 'localhost'])].filter((n) => /^[A-Za-z0-9.-]{1,253}$/.test(n));
    execFileSync('openssl', [
      'req', '-x509', '-new', '-key', tmpKey, '-sha256', '-days', '3650', '-out', tmpCert,
      '-subj', `/CN=${names[0] ?? 'localhost'}/O=Ferry self-signed`,
      '-addext', `subjectAltName=${[...names.map((n) => `DNS:${n}`), 'IP:127.0.0.1', 'IP:::1'].join(',')}`,
      '-addext', 'basicConstraints=critical,CA:FALSE',
      '-addext', 'keyUsage=critical,digitalSignature',
      '-addext', 'extendedKeyUsage=serverAuth',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(tmpKey, keyPath);
    renameSync(tmpCert, certPath);
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    const why = err.code === 'ENOENT' ? 'the openssl command is not installed (apt-get install openssl), or set FERRY_TLS_CERT and FERRY_TLS_KEY'
      : err.stderr?.length ? String(err.stderr).trim().split('\n')[0] : err.message;
    throw new TlsError(`cannot create a self-signed certificate in ${dir}: ${why}`);
  } finally {
    rmSync(tmpKey, { force: true });
    rmSync(tmpCert, { force: true });
  }
}

function check(certPath: string, keyPath: string): Omit<TlsFiles, 'certPath' | 'generated'> {
  const cert = read(certPath, 'certificate');
  const key = read(keyPath, 'key');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TlsError(`${certPath} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new TlsError(`${keyPath} is not a PEM private key (or it is encrypted)`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new TlsError(`the key ${keyPath} does not belong to the certificate ${certPath}`);
  return { key, cert, fingerprint256: x509.fingerprint256, validTo: x509.validTo };
}

function read(file: string, what: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new TlsError(`cannot read the TLS ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
