// Configuration, read once from the FERRY_* environment variables (API.md) and validated.
// Nothing else in the server reads process.env.
import path from 'node:path';
import { z } from 'zod';

const flag = z.enum(['0', '1']).optional().transform((v) => v === '1');

const EnvSchema = z.object({
  FERRY_PORT: z.coerce.number().int().min(1).max(65535).default(8006),
  FERRY_LISTEN: z.string().min(1).default('0.0.0.0'),
  FERRY_DATA_DIR: z.string().min(1).optional(),
  FERRY_LIBVIRT_URI: z.string().min(1).default('qemu:///system'),
  FERRY_ADMIN_PASSWORD: z.string().min(8, 'FERRY_ADMIN_PASSWORD needs at least 8 characters').max(1024).optional(),
  FERRY_TLS_CERT: z.string().min(1).optional(),
  FERRY_TLS_KEY: z.string().min(1).optional(),
  FERRY_INSECURE_HTTP: flag,
  FERRY_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest image an upload may bring (bytes; default 256 GiB). */
  FERRY_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1 << 20).max(2 ** 50).default(256 * 2 ** 30),
  /** Seconds between two stats samples of every host (live stats, history, Prometheus). */
  FERRY_STATS_INTERVAL_S: z.coerce.number().min(0.5).max(10).default(2),
}).refine((e) => !e.FERRY_TLS_CERT === !e.FERRY_TLS_KEY, { message: 'FERRY_TLS_CERT and FERRY_TLS_KEY go together' });

export interface Config {
  port: number;
  listen: string;
  dataDir: string;
  libvirtUri: string;
  /** First run only: the initial admin's password; generated when absent. */
  adminPassword: string | null;
  tls: { cert: string; key: string } | 'self-signed' | null;
  logLevel: string;
  /** Session lifetimes: idle and absolute, in ms. */
  session: { idleMs: number; absoluteMs: number };
  limits: { bodyBytes: number; headerBytes: number; uploadBytes: number };
  /** The stats sampler's period; at most 10 s, the finest history bucket. */
  stats: { intervalS: number };
}

export function loadConfig(env: Record<string, string | undefined> = process.env, cwd = process.cwd()): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${parsed.error.issues.map((i) => `${String(i.path[0] ?? '')} ${i.message}`.trim()).join('; ')}`);
  }
  const e = parsed.data;
  const isRoot = process.getuid?.() === 0;
  return {
    port: e.FERRY_PORT,
    listen: e.FERRY_LISTEN,
    dataDir: path.resolve(cwd, e.FERRY_DATA_DIR ?? (isRoot ? '/var/lib/ferry' : './data')),
    libvirtUri: e.FERRY_LIBVIRT_URI,
    adminPassword: e.FERRY_ADMIN_PASSWORD ?? null,
    tls: e.FERRY_INSECURE_HTTP ? null : e.FERRY_TLS_CERT && e.FERRY_TLS_KEY ? { cert: e.FERRY_TLS_CERT, key: e.FERRY_TLS_KEY } : 'self-signed',
    logLevel: e.FERRY_LOG_LEVEL,
    session: { idleMs: 30 * 60_000, absoluteMs: 12 * 3600_000 },
    limits: { bodyBytes: 1 << 20, headerBytes: 16 << 10, uploadBytes: e.FERRY_MAX_UPLOAD_BYTES },
    stats: { intervalS: e.FERRY_STATS_INTERVAL_S },
  };
}
