// GET /hosts/:hostId/readiness: the same report as the CLI, over the host's live connection.
// Local probes (/dev/kvm, kernel modules, Debian packages) run only for a host on this machine.
import { buildReadinessReport, type ReadinessReport } from './readiness/readiness.checks.ts';
import { createNodeProbes, gatherReadinessFacts } from './readiness/readiness.facts.ts';
import type { HostSupervisor } from './host-supervisor.ts';

export async function hostReadiness(host: HostSupervisor): Promise<ReadinessReport> {
  const facts = await gatherReadinessFacts(host.record.uri, async () => host.requireConnection(), createNodeProbes());
  return buildReadinessReport(facts);
}
