// Realistic getAllDomainStats records for the test driver's guests, whose records hold only the
// state group: the ~50 params the qemu driver reports for a guest with two vCPUs, one disk and
// one NIC (cpu.*, balloon.*, vcpu.*, block.0.*, net.0.*), with counters advancing like a busy
// guest's on every call. Used by the fan-out benchmark (server.ts) and tick-alloc.ts.
import type { TypedParams } from '../../../packages/libvirt/src/index.ts';

interface Counters { cpu: number; rd: number; wr: number; rdq: number; wrq: number; rx: number; tx: number; rxp: number; txp: number }
const rnd = (max: number) => Math.floor(Math.random() * max);

export class SyntheticStats {
  private readonly counters = new Map<string, Counters>();

  /** The record the qemu driver would return for this guest now (`s`: what the test driver said). */
  record(uuid: string, s: TypedParams): TypedParams {
    let c = this.counters.get(uuid);
    if (!c) this.counters.set(uuid, (c = { cpu: rnd(1e12), rd: rnd(1e10), wr: rnd(1e10), rdq: rnd(1e6), wrq: rnd(1e6), rx: rnd(1e10), tx: rnd(1e10), rxp: rnd(1e7), txp: rnd(1e7) }));
    c.cpu += rnd(2e9); c.rd += rnd(4e6); c.wr += rnd(8e6); c.rdq += rnd(200); c.wrq += rnd(400); c.rx += rnd(2e6); c.tx += rnd(1e6); c.rxp += rnd(2000); c.txp += rnd(1000);
    const kib = 64 * 1024;
    return {
      'state.state': s['state.state'] ?? 1, 'state.reason': s['state.reason'] ?? 1,
      'cpu.time': c.cpu, 'cpu.user': Math.floor(c.cpu * 0.7), 'cpu.system': Math.floor(c.cpu * 0.2),
      'balloon.current': kib, 'balloon.maximum': kib, 'balloon.swap_in': 0, 'balloon.swap_out': 0, 'balloon.major_fault': 310, 'balloon.minor_fault': 1_204_133,
      'balloon.unused': 20_000 + rnd(1000), 'balloon.available': 60_000, 'balloon.usable': 30_000 + rnd(1000), 'balloon.last-update': Math.floor(Date.now() / 1000),
      'balloon.disk_caches': 9000, 'balloon.hugetlb_pgalloc': 0, 'balloon.hugetlb_pgfail': 0, 'balloon.rss': 70_000,
      'vcpu.current': 2, 'vcpu.maximum': 2, 'vcpu.0.state': 1, 'vcpu.0.time': Math.floor(c.cpu / 2), 'vcpu.0.wait': 0, 'vcpu.1.state': 1, 'vcpu.1.time': Math.floor(c.cpu / 2), 'vcpu.1.wait': 0,
      'net.count': 1, 'net.0.name': 'vnet0', 'net.0.rx.bytes': c.rx, 'net.0.rx.pkts': c.rxp, 'net.0.rx.errs': 0, 'net.0.rx.drop': 0,
      'net.0.tx.bytes': c.tx, 'net.0.tx.pkts': c.txp, 'net.0.tx.errs': 0, 'net.0.tx.drop': 0,
      'block.count': 1, 'block.0.name': 'vda', 'block.0.path': `/var/lib/libvirt/images/${uuid}.qcow2`, 'block.0.backingIndex': 1,
      'block.0.rd.reqs': c.rdq, 'block.0.rd.bytes': c.rd, 'block.0.rd.times': c.rdq * 90_000, 'block.0.wr.reqs': c.wrq, 'block.0.wr.bytes': c.wr, 'block.0.wr.times': c.wrq * 400_000,
      'block.0.fl.reqs': 1000, 'block.0.fl.times': 9_000_000, 'block.0.allocation': 2 ** 30, 'block.0.capacity': 10 * 2 ** 30, 'block.0.physical': 2 ** 30,
    };
  }
}
