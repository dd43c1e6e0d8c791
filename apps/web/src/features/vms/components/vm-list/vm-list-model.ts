// Filtering and sorting the VM list, in the browser: the whole list is at hand (one request),
// and 1,000 rows sort in well under a frame.
import type { VmState, VmSummary } from '@ferry/contract';

export type SortKey = 'name' | 'state' | 'hostId' | 'vcpus' | 'memoryMiB' | 'uptimeS';
export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface VmFilter {
  text: string;
  state: VmState | '';
  hostId: string;
  tag: string;
  /** Show templates too (they are VMs that cannot start). */
  templates: boolean;
}

export const EMPTY_FILTER: VmFilter = { text: '', state: '', hostId: '', tag: '', templates: true };

export function filterVms(vms: readonly VmSummary[], f: VmFilter): VmSummary[] {
  const text = f.text.trim().toLowerCase();
  return vms.filter((vm) => (!text || vm.name.toLowerCase().includes(text) || vm.ips.some((ip) => ip.includes(text)) || vm.tags.some((t) => t.toLowerCase().includes(text)))
    && (!f.state || vm.state === f.state)
    && (!f.hostId || vm.hostId === f.hostId)
    && (!f.tag || vm.tags.includes(f.tag))
    && (f.templates || !vm.template));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function sortVms(vms: readonly VmSummary[], { key, dir }: Sort): VmSummary[] {
  const sign = dir === 'asc' ? 1 : -1;
  return [...vms].sort((a, b) => {
    const x = a[key];
    const y = b[key];
    const c = typeof x === 'string' && typeof y === 'string' ? collator.compare(x, y)
      : ((x as number | null) ?? -1) - ((y as number | null) ?? -1);
    return c !== 0 ? c * sign : collator.compare(a.name, b.name);
  });
}

export function allTags(vms: readonly VmSummary[]): string[] {
  return [...new Set(vms.flatMap((v) => v.tags))].sort(collator.compare);
}
