// request.log is made on first use, and behaves as the pino child Fastify would have made.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { RequestLogger } from './request-logger.ts';

function root(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level }, { write: (l: string) => { lines.push(JSON.parse(l) as Record<string, unknown>); } }) as unknown as FastifyBaseLogger;
  return { lines, log };
}

describe('RequestLogger', () => {
  it('makes its child only when something logs, with the request\'s bindings', () => {
    const { lines, log } = root();
    const r = new RequestLogger(log, { reqId: 'r-1' }, {});
    expect(r.made).toBe(false);
    expect(r.level).toBe('info');
    expect(r.isLevelEnabled('debug')).toBe(false);
    r.debug('below the level');
    r.error({ code: 7 }, 'it broke');
    expect(r.made).toBe(true);
    expect(lines).toEqual([expect.objectContaining({ level: 50, reqId: 'r-1', code: 7, msg: 'it broke' })]);
    r.child({ module: 'x' }).info('from a child');
    expect(lines[1]).toMatchObject({ reqId: 'r-1', module: 'x', msg: 'from a child' });
  });

  it('keeps a route\'s own log level', () => {
    const { lines, log } = root('info');
    const r = new RequestLogger(log, { reqId: 'r-2' }, { level: 'debug' });
    expect(r.level).toBe('debug');
    expect(r.isLevelEnabled('debug')).toBe(true);
    r.debug('shown at this route\'s level');
    expect(lines).toEqual([expect.objectContaining({ level: 20, reqId: 'r-2' })]);
  });
});
