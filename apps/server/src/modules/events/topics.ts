// What a client asked to receive (contract TopicSchema). This only narrows: what a client may
// see at all is visibility.ts's decision, made after this one.
//
//   '*'          everything (events and stats) — the default on connect
//   'tasks'      task events
//   'stats'      every host's stats samples
//   'host:<id>'  that host's state, its VMs' events and tasks, and its whole stats sample
//   'vm:<uuid>'  that VM's events and tasks, and its row of its host's stats sample
import type { EventMessage } from '@ferry/contract';

/** Which part of one host's stats sample a client wants. */
export type StatsInterest = { whole: true } | { whole: false; vms: ReadonlySet<string> } | null;

export class TopicFilter {
  private readonly all: boolean;
  private readonly tasks: boolean;
  private readonly allStats: boolean;
  private readonly hosts = new Set<string>();
  private readonly vms = new Set<string>();

  constructor(readonly topics: readonly string[]) {
    this.all = topics.includes('*');
    this.tasks = topics.includes('tasks');
    this.allStats = topics.includes('stats');
    for (const t of topics) {
      if (t.startsWith('host:')) this.hosts.add(t.slice(5));
      else if (t.startsWith('vm:')) this.vms.add(t.slice(3));
    }
  }

  wants(e: EventMessage): boolean {
    if (this.all) return true;
    switch (e.type) {
      case 'vm.state':
      case 'vm.config':
      case 'vm.event':
        return this.hosts.has(e.hostId) || this.vms.has(e.vmId);
      case 'host.state':
        return this.hosts.has(e.hostId);
      case 'task':
        return this.tasks
          || (e.task.hostId !== null && this.hosts.has(e.task.hostId))
          || (e.task.target.kind === 'vm' && this.vms.has(e.task.target.id));
    }
  }

  statsFor(hostId: string): StatsInterest {
    if (this.all || this.allStats || this.hosts.has(hostId)) return { whole: true };
    return this.vms.size > 0 ? { whole: false, vms: this.vms } : null;
  }
}

export const ALL_TOPICS: readonly string[] = ['*'];
