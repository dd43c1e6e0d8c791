// Which domain type a new VM gets on a host: 'kvm' only where the readiness report says KVM
// really works (vmx/svm in the CPU, a usable /dev/kvm, not kvm_pvm); otherwise 'qemu' (TCG),
// and the create task says so. Judged once per host connection: it runs the host probes.
import type { Connection } from '@ferry/libvirt';
import { hostReadiness } from '../hosts/host-readiness.ts';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';

export interface DomainTypeChoice { type: 'kvm' | 'qemu'; why: string }

const memo = new WeakMap<Connection, Promise<DomainTypeChoice>>();

export function domainTypeFor(host: HostSupervisor, conn: Connection): Promise<DomainTypeChoice> {
  let p = memo.get(conn);
  if (!p) {
    p = hostReadiness(host).then((report) => {
      const check = report.checks.find((c) => c.id === 'acceleration');
      return report.acceleration === 'kvm'
        ? { type: 'kvm' as const, why: 'hardware virtualization (KVM) is available' }
        : { type: 'qemu' as const, why: `no usable KVM on this host, so the VM runs under TCG emulation: ${check?.message ?? 'see the host readiness report'}` };
    });
    memo.set(conn, p);
    p.catch(() => memo.delete(conn));
  }
  return p;
}
