// All domains' statistics as one table of numbers, for a caller that reads the same few params
// of every domain at every interval (the stats sampler: 1,000 VMs every 2 s).
//
// Why: getAllDomainStats returns an object of ~60 params per domain. Built in a pool Worker and
// structured-cloned to the main thread, 1,000 of those cost the main thread ~1.8 MB of young
// garbage per call (scripts/bench/metrics/tick-alloc.ts). Packed, the Worker keeps only the
// params the caller names, writes them into one Float64Array that is *transferred* (its memory
// changes owner, nothing is copied or cloned), and the main thread receives that plus the uuids,
// names, param names and the few distinct string values: ~0.1 MB.
//
// Layout: row r is domain r (uuids[r], names[r]); column c is param keys[c]; the cell is
// values[r * keys.length + c], NaN where domain r did not report param c. Booleans are 1 or 0.
// A string param's cell holds the index of its value in `strings`, which lists each distinct
// value once (device names repeat across domains: 'vda', 'vnet0'); `textKeys` says which
// columns those are. Columns appear in the order the params were first seen.
//
// `keep` names the params to return; '#' stands for a device index ('block.#.rd.bytes' keeps
// block.0.rd.bytes, block.1.rd.bytes …). Without it, every param is kept.
import type { DomainStatsRecord } from './types.ts';
import type { TypedValue } from './ffi/typed-params.ts';

export interface PackedDomainStats {
  uuids: string[];
  names: string[];
  keys: string[];
  /** Columns whose cells index `strings`. */
  textKeys: number[];
  values: Float64Array;
  strings: string[];
}

/** A param name with its device indices replaced by '#': the form `keep` patterns use. */
export const paramPattern = (key: string): string => key.replace(/\.\d+\./g, '.#.');

/** Whether a param is kept, memoised per name: a Worker sees the same few dozen names every call. */
export function keepFilter(keep: readonly string[] | null): (key: string) => boolean {
  if (!keep) return () => true;
  const wanted = new Set(keep);
  const seen = new Map<string, boolean>();
  return (key) => {
    let k = seen.get(key);
    if (k === undefined) seen.set(key, (k = wanted.has(paramPattern(key))));
    return k;
  };
}

/** Builds a PackedDomainStats one domain and one param at a time (the Worker, straight from libvirt's memory). */
export class PackedStatsBuilder {
  private readonly uuids: string[] = [];
  private readonly names: string[] = [];
  private readonly cols = new Map<string, number>();
  private readonly textCols = new Set<number>();
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** Cells as (row, column, value) triples until the number of columns is known. */
  private cells = new Float64Array(3 * 1024);
  private n = 0;

  constructor(private readonly keeps: (key: string) => boolean = () => true) {}

  domain(uuid: string, name: string): void {
    this.uuids.push(uuid);
    this.names.push(name);
  }

  /** A param of the domain added last; dropped unless kept. */
  param(key: string, value: TypedValue): void {
    if (!this.keeps(key)) return;
    let col = this.cols.get(key);
    if (col === undefined) this.cols.set(key, (col = this.cols.size));
    let v: number;
    if (typeof value === 'string') {
      this.textCols.add(col);
      let id = this.stringIds.get(value);
      if (id === undefined) {
        this.stringIds.set(value, (id = this.strings.length));
        this.strings.push(value);
      }
      v = id;
    } else v = typeof value === 'boolean' ? Number(value) : value;
    if (this.n + 3 > this.cells.length) {
      const grown = new Float64Array(this.cells.length * 2);
      grown.set(this.cells);
      this.cells = grown;
    }
    this.cells[this.n++] = this.uuids.length - 1;
    this.cells[this.n++] = col;
    this.cells[this.n++] = v;
  }

  finish(): PackedDomainStats {
    const width = this.cols.size;
    const values = new Float64Array(this.uuids.length * width).fill(NaN);
    for (let i = 0; i < this.n; i += 3) values[this.cells[i]! * width + this.cells[i + 1]!] = this.cells[i + 2]!;
    return { uuids: this.uuids, names: this.names, keys: [...this.cols.keys()], textKeys: [...this.textCols], values, strings: this.strings };
  }
}

/** Packs records already decoded (tests; callers that have records in hand). */
export function packDomainStats(records: readonly DomainStatsRecord[], keep: readonly string[] | null = null): PackedDomainStats {
  const b = new PackedStatsBuilder(keepFilter(keep));
  for (const r of records) {
    b.domain(r.uuid, r.name);
    for (const key in r.stats) b.param(key, r.stats[key]!);
  }
  return b.finish();
}

/** Back to records (tests, and a reader that wants one domain as an object). */
export function unpackDomainStats(p: PackedDomainStats): DomainStatsRecord[] {
  const width = p.keys.length;
  const text = new Set(p.textKeys);
  return p.uuids.map((uuid, r) => {
    const stats: Record<string, TypedValue> = {};
    for (let c = 0; c < width; c++) {
      const v = p.values[r * width + c]!;
      if (!Number.isNaN(v)) stats[p.keys[c]!] = text.has(c) ? p.strings[v]! : v;
    }
    return { uuid, name: p.names[r]!, stats };
  });
}
