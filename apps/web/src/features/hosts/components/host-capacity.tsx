// What the host has and what is spoken for: CPU load and memory from its latest metrics sample,
// the vCPUs and memory its running VMs were given, and its storage pools' space.
import { ErrorMessage } from '../../../components/error-message.tsx';
import { ProgressBar } from '../../../components/progress-bar.tsx';
import { formatBytes, formatMiB } from '../../../lib/format-units.ts';
import { usePools } from '../../storage/api/get-pools.ts';
import { useVms } from '../../vms/api/get-vms.ts';
import { useHostLoad } from '../api/get-host-load.ts';

const pct = (part: number, whole: number) => (whole > 0 ? (part / whole) * 100 : 0);

export function HostCapacity({ hostId }: { hostId: string }) {
  const load = useHostLoad(hostId);
  const vms = useVms();
  const pools = usePools(hostId);
  const running = (vms.data ?? []).filter((v) => v.hostId === hostId && v.state === 'running');
  const vcpus = running.reduce((n, v) => n + v.vcpus, 0);
  const vmMemMiB = running.reduce((n, v) => n + v.memoryMiB, 0);
  // Pools in directories of one file system all report that file system's size and free
  // space: count each file system (same capacity) once.
  const fileSystems = new Map<number, { capacity: number; free: number }>();
  for (const p of (pools.data ?? []).filter((x) => x.active)) fileSystems.set(p.capacityBytes, { capacity: p.capacityBytes, free: p.availableBytes });
  const storage = [...fileSystems.values()].reduce((s, f) => ({ capacity: s.capacity + f.capacity, free: s.free + f.free }), { capacity: 0, free: 0 });
  const used = storage.capacity - storage.free;
  const point = load.data;
  return (
    <section className="panel" aria-labelledby="host-capacity" data-testid="host-capacity">
      <h2 id="host-capacity">Capacity</h2>
      <ErrorMessage error={load.error ?? pools.error} />
      <dl className="props">
        <div>
          <dt>CPU</dt>
          <dd data-testid="capacity-cpu">
            {point ? <><ProgressBar percent={point.cpuPct.avg} label="Host CPU usage" /> {point.cpuPct.avg.toFixed(0)}% busy</> : <span className="muted">no sample yet</span>}
            {' · '}{vcpus} vCPUs given to {running.length} running VM{running.length === 1 ? '' : 's'}
          </dd>
        </div>
        <div>
          <dt>Memory</dt>
          <dd data-testid="capacity-memory">
            {point ? (
              <><ProgressBar percent={pct(point.memUsedMiB.avg, point.memTotalMiB.avg)} label="Host memory usage" />{' '}
                {formatMiB(point.memUsedMiB.avg)} of {formatMiB(point.memTotalMiB.avg)} used</>
            ) : <span className="muted">no sample yet</span>}
            {' · '}{formatMiB(vmMemMiB)} given to running VMs
          </dd>
        </div>
        <div>
          <dt>Storage</dt>
          <dd data-testid="capacity-storage">
            {pools.data ? (
              <><ProgressBar percent={pct(used, storage.capacity)} label="Host storage usage" />{' '}
                {formatBytes(used)} of {formatBytes(storage.capacity)} used, {formatBytes(storage.free)} free in {pools.data.filter((p) => p.active).length} active pools</>
            ) : <span className="muted">…</span>}
          </dd>
        </div>
      </dl>
    </section>
  );
}
