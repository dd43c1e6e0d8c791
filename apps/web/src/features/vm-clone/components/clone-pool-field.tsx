// The clone's target pool: by default each new volume goes beside its source disk; or all into
// one pool of the VM's host. Stopped pools are listed but cannot be chosen (the server would
// answer 409), and each pool shows its free space.
import type { StoragePool } from '@ferry/contract';
import { Field } from '../../../components/field.tsx';
import { formatBytes } from '../../../lib/format-units.ts';
import { usePools } from '../../storage/api/get-pools.ts';

interface Props {
  hostId: string;
  mode: 'full' | 'linked';
  value: string;
  onChange: (pool: string) => void;
}

const poolLabel = (p: StoragePool): string => (p.active ? `${p.name} (${formatBytes(p.availableBytes)} free)` : `${p.name} (stopped)`);

export function ClonePoolField({ hostId, mode, value, onChange }: Props) {
  const pools = usePools(hostId);
  const what = mode === 'linked' ? 'overlays' : 'copies';
  return (
    <Field id="clone-pool" label="Storage pool"
      hint={pools.isError ? 'Could not list the pools: the clone goes beside the source disks.' : `Where the new disk ${what} go.`}>
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={!pools.data}>
        <option value="">Same pool as each source disk</option>
        {(pools.data ?? []).map((p) => (
          <option key={p.name} value={p.name} disabled={!p.active}>{poolLabel(p)}</option>
        ))}
      </select>
    </Field>
  );
}
