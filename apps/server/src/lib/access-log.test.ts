// The hand-built access line must be exactly the line pino itself would write.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { accessLine, writeAccessLine } from './access-log.ts';
import { loggerOptions } from './logger.ts';
import { RequestLogger } from './request-logger.ts';

function collecting(level: string) {
  const lines: string[] = [];
  // As Fastify builds it: pino(options, options.stream).
  const opts = loggerOptions({ level, destination: { write: (l: string) => { lines.push(l); } } }) as pino.LoggerOptions & { stream: pino.DestinationStream };
  const root = pino(opts, opts.stream) as unknown as FastifyBaseLogger;
  return { lines, root, log: root.child({ reqId: 'a1b2' }) };
}

/** The line as pino itself writes it, without its time. */
const parsed = (line: string) => {
  const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
  expect(typeof time).toBe('number');
  return rest;
};

describe('writeAccessLine', () => {
  it('writes the line pino would write for the same fields', () => {
    const { lines, log } = collecting('info');
    const line = accessLine({ method: 'GET', url: '/api/v1/hosts?ticket=s3cr3t&q="quoted"\\', ip: '::ffff:10.0.0.1' }, 200, 1.23456);
    writeAccessLine(log, line);
    log.info(line, 'request');
    expect(lines).toHaveLength(2);
    expect(lines[0]!.endsWith('}\n')).toBe(true);
    const [fast, generic] = lines.map((l) => {
      const { time, ...rest } = JSON.parse(l) as Record<string, unknown>;
      expect(typeof time).toBe('number');
      return rest;
    });
    expect(fast).toEqual(generic);
    expect(fast).toMatchObject({ level: 30, reqId: 'a1b2', method: 'GET', url: '/api/v1/hosts?ticket=[redacted]&q="quoted"\\', status: 200, ip: '::ffff:10.0.0.1', responseTime: 1.23, msg: 'request' });
    expect(Object.keys(fast!)).toEqual(Object.keys(generic!)); // same order, too
  });

  it('writes the same line through a request logger that was never made, and one that was', () => {
    const { lines, root, log } = collecting('info');
    const line = accessLine({ method: 'POST', url: '/api/v1/vms', ip: '10.0.0.2' }, 202, 3.5);
    log.info(line, 'request');
    const lazy = new RequestLogger(root, { reqId: 'a1b2' }, {});
    writeAccessLine(lazy as unknown as FastifyBaseLogger, line);
    expect(lazy.made).toBe(false);
    lazy.warn('something');
    expect(lazy.made).toBe(true);
    writeAccessLine(lazy as unknown as FastifyBaseLogger, line);
    const [generic, unmade, , made] = lines.map(parsed);
    expect(unmade).toEqual(generic);
    expect(made).toEqual(generic);
    expect(Object.keys(unmade!)).toEqual(Object.keys(generic!));
  });

  it('leaves out what is unknown, and writes nothing below its level', () => {
    const { lines, log } = collecting('info');
    writeAccessLine(log, accessLine({ method: 'GET', url: '/' }, 404));
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('ip');
    expect(JSON.parse(lines[0]!)).not.toHaveProperty('responseTime');
    const quiet = collecting('warn');
    writeAccessLine(quiet.log, accessLine({ method: 'GET', url: '/' }, 200, 1));
    expect(quiet.lines).toEqual([]);
  });

  it('falls back to the logger\'s own info() for a logger that is not pino', () => {
    const calls: unknown[][] = [];
    const log = { info: (...a: unknown[]) => calls.push(a) } as unknown as FastifyBaseLogger;
    writeAccessLine(log, accessLine({ method: 'PUT', url: '/x' }, 204, 2));
    expect(calls).toEqual([[{ method: 'PUT', url: '/x', status: 204, ip: undefined, responseTime: 2 }, 'request']]);
  });
});
