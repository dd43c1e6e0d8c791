// POST /vms/:vmId/template: mark a stopped VM as a template. A template never starts (the power
// service refuses), so linked clones can rest on its disks. The mark is Ferry's metadata in the
// definition, so it survives restarts and is visible to anything reading the XML.
import { setDomainTemplate } from '@ferry/domain-xml';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';
import type { HostRegistry } from '../hosts/host-registry.ts';
import type { TaskService } from '../tasks/task-service.ts';
import type { VmCatalog } from './vm-catalog.ts';
import { readDefinition } from './vm-detail.service.ts';
import { vmState } from './vm-state.ts';

export interface VmTemplateDeps { hosts: HostRegistry; tasks: TaskService; catalog: VmCatalog }

export async function submitTemplate(deps: VmTemplateDeps, uuid: string, userId: string | null): Promise<string> {
  const { host, conn } = await deps.hosts.findVm(uuid);
  const check = async (c: typeof conn) => {
    const state = vmState((await c.domain(uuid).getState()).state);
    if (state !== 'shutoff') throw new AppError('INVALID_STATE', `cannot make a VM that is ${state} a template; shut it down first`, { state });
  };
  if (deps.tasks.pending(`vm:${uuid}`) === 0) await check(conn).catch((e: unknown) => { throw fromLibvirt(e); });
  return deps.tasks.submit<{ changed: boolean }>({
    type: 'vm.template',
    target: { kind: 'vm', id: uuid },
    hostId: host.id,
    userId,
    run: async (ctx) => {
      const live = host.requireConnection();
      try {
        await check(live);
        const def = await readDefinition(live, uuid);
        const xml = setDomainTemplate(def.xml, true);
        if (xml === def.xml) return { changed: false };
        await live.defineDomain(xml);
        await live.domain(uuid).setAutostart(false);
        deps.catalog.invalidate(uuid);
        ctx.log('marked as template; it can no longer be started');
        return { changed: true };
      } catch (e) {
        throw fromLibvirt(e, 'making the template');
      }
    },
  });
}
