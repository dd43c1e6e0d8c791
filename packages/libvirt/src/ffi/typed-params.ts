// virTypedParameter arrays: decoded field by field from libvirt's memory (the value is a C
// union, so its type tag decides how to read the 8 bytes at offset 88), and built for
// migration through libvirt's own virTypedParamsAdd* so libvirt owns the allocation.
import { fn, koffi, TYPED_PARAM_SIZE, TYPED_PARAM_VALUE_OFFSET, type Ptr } from './lib.ts';
import { checkInt, num } from './call.ts';
import * as C from '../generated/constants.gen.ts';

export type TypedValue = number | string | boolean;
export type TypedParams = Record<string, TypedValue>;

const FIELD = koffi.array('char', 80);

export function decodeTypedParams(params: Ptr | null, n: number): TypedParams {
  const out: TypedParams = {};
  forEachTypedParam(params, n, (field, value) => { out[field] = value; });
  return out;
}

/** Each param's name and value, in libvirt's order, without building an object of them. */
export function forEachTypedParam(params: Ptr | null, n: number, each: (field: string, value: TypedValue) => void): void {
  if (!params) return;
  for (let i = 0; i < n; i++) {
    const base = params + BigInt(i * TYPED_PARAM_SIZE);
    const field = koffi.decode(base, 0, FIELD) as string;
    const type = koffi.decode(base, 80, 'int') as number;
    const at = TYPED_PARAM_VALUE_OFFSET;
    switch (type) {
      case C.VIR_TYPED_PARAM_INT: each(field, koffi.decode(base, at, 'int') as number); break;
      case C.VIR_TYPED_PARAM_UINT: each(field, koffi.decode(base, at, 'uint') as number); break;
      case C.VIR_TYPED_PARAM_LLONG: each(field, num(koffi.decode(base, at, 'int64') as number | bigint)); break;
      case C.VIR_TYPED_PARAM_ULLONG: each(field, num(koffi.decode(base, at, 'uint64') as number | bigint)); break;
      case C.VIR_TYPED_PARAM_DOUBLE: each(field, koffi.decode(base, at, 'double') as number); break;
      case C.VIR_TYPED_PARAM_BOOLEAN: each(field, (koffi.decode(base, at, 'char') as number) !== 0); break;
      case C.VIR_TYPED_PARAM_STRING: each(field, (koffi.decode(base, at, 'const char *') as string | null) ?? ''); break;
      default: break; // a type newer than this binding: skip rather than misread
    }
  }
}

/** What kind of C value a parameter we *send* must have; libvirt rejects a wrong type. */
export type ParamSpec = Record<string, 'string' | 'ullong' | 'int' | 'uint'>;

/**
 * Builds a libvirt-allocated typed-parameter array, passes it to `use`, then frees it.
 */
export function withTypedParams<T>(spec: ParamSpec, values: TypedParams, use: (params: Ptr | null, n: number) => T): T {
  const params: (Ptr | null)[] = [null];
  const n = [0];
  const max = [0];
  try {
    for (const [name, value] of Object.entries(values)) {
      const kind = spec[name];
      if (!kind) throw new TypeError(`typed parameter ${name} is not allowed here`);
      switch (kind) {
        case 'string': checkInt('virTypedParamsAddString', fn.virTypedParamsAddString(params, n, max, name, String(value))); break;
        case 'ullong': checkInt('virTypedParamsAddULLong', fn.virTypedParamsAddULLong(params, n, max, name, BigInt(Math.trunc(Number(value))))); break;
        case 'int': checkInt('virTypedParamsAddInt', fn.virTypedParamsAddInt(params, n, max, name, Math.trunc(Number(value)))); break;
        case 'uint': checkInt('virTypedParamsAddUInt', fn.virTypedParamsAddUInt(params, n, max, name, Math.trunc(Number(value)))); break;
      }
    }
    return use(params[0] ?? null, n[0] ?? 0);
  } finally {
    if (params[0]) fn.virTypedParamsFree(params[0], n[0] ?? 0);
  }
}
