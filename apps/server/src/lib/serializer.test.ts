// Responses go out only in their contract's shape, whichever zod path checks them.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isResponseSerializationError } from 'fastify-type-provider-zod';
import { routes } from '@ferry/contract';
import { readsTheSameBothWays, responseSerializerCompiler } from './serializer.ts';

const compile = (schema: z.ZodType) => responseSerializerCompiler({ schema, method: 'GET', url: '/x' });

describe('readsTheSameBothWays', () => {
  it('tells plain shapes from ones that parse and encode differently', () => {
    const Node: z.ZodType = z.lazy(() => z.object({ name: z.string(), children: z.array(Node) }));
    for (const s of [
      z.object({ a: z.string().regex(/^a/), t: z.iso.datetime(), n: z.number().nullable(), o: z.boolean().optional() }),
      z.union([z.literal('x'), z.enum(['y'])]), z.record(z.string(), z.array(z.number())), z.tuple([z.string()]),
      z.string().refine((v) => v.length > 0), Node,
    ]) expect(readsTheSameBothWays(s)).toBe(true);
    for (const s of [
      z.object({ a: z.string().default('x') }), z.string().transform((v) => v.length), z.string().trim(), z.string().catch('x'),
      z.codec(z.iso.datetime(), z.date(), { decode: (v) => new Date(v), encode: (d) => d.toISOString() }),
      z.object({ deep: z.array(z.object({ d: z.number().prefault(1) })) }),
    ]) expect(readsTheSameBothWays(s)).toBe(false);
  });

  it('finds every response of the contract plain (all take the fast path today)', () => {
    for (const [name, def] of Object.entries(routes)) {
      for (const [status, schema] of Object.entries(def.responses)) expect(readsTheSameBothWays(schema as z.ZodType), `${name} ${status}`).toBe(true);
    }
  });
});

describe('responseSerializerCompiler', () => {
  it('drops fields the schema does not name, and refuses a wrong shape', () => {
    const serialize = compile(z.object({ id: z.string(), n: z.number() }));
    expect(serialize({ id: 'a', n: 1, passwordHash: 'x' })).toBe('{"id":"a","n":1}');
    let thrown: unknown;
    try {
      serialize({ id: 'a', n: 'one' });
    } catch (e) {
      thrown = e;
    }
    expect(isResponseSerializationError(thrown)).toBe(true);
  });

  it('encodes codecs the way they are meant to go out', () => {
    const serialize = compile(z.object({ at: z.codec(z.iso.datetime(), z.date(), { decode: (v) => new Date(v), encode: (d) => d.toISOString() }) }));
    expect(serialize({ at: new Date('2030-01-02T03:04:05.000Z') })).toBe('{"at":"2030-01-02T03:04:05.000Z"}');
  });
});
