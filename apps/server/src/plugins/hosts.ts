// Starts the libvirt binding and the host registry; stops both when the app closes.
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { Libvirt } from '@ferry/libvirt';
import { HostRegistry } from '../modules/hosts/host-registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    libvirt: Libvirt;
    hosts: HostRegistry;
  }
}

export default fp(async function hosts(app: FastifyInstance) {
  const libvirt = await Libvirt.start();
  const registry = new HostRegistry(app.db, libvirt);
  app.decorate('libvirt', libvirt);
  app.decorate('hosts', registry);
  // ACL inheritance: a VM's grants include those on the host it runs on.
  app.authz.setVmHostResolver((uuid) => registry.vmHostId(uuid));
  registry.start(app.config.libvirtUri);
  app.addHook('onClose', async () => {
    await registry.stop();
    await libvirt.close();
  });
}, { name: 'hosts', dependencies: ['auth'] });
