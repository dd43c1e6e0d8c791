// Edits of a domain's settings: vCPUs, memory, CPU model, description, title, Ferry metadata,
// boot order. Each is `(domain XML, change) → domain XML` (see domain-edit-support.ts for the
// model); the caller defines the result (virDomainDefineXML) to change the next boot.
import { cpuElement, topologyElement, vcpuTotal } from './domain-build.ts';
import { DomainXmlError } from './domain-error.ts';
import { toInt } from './domain-devices.ts';
import { editDomain, findDevice, insertBeforeAddress } from './domain-edit-support.ts';
import { withFerryMetadata } from './domain-metadata.ts';
import { parseDomainElement } from './domain-parse.ts';
import { mapChildren, removeChildren, setAttrs, updateChild, upsertChild } from './domain-tree.ts';
import type { CpuSpec, DeviceKey, VcpuSpec } from './domain-types.ts';
import { element, withElement } from './xml-build.ts';
import { attr, type XmlElement } from './xml.ts';

// Where new top-level elements go when the domain has none yet (any order is valid).
const AFTER_METADATA = ['name', 'uuid', 'genid', 'title', 'description', 'metadata'];
const AFTER_MEMORY = [...AFTER_METADATA, 'maxMemory', 'memory', 'currentMemory'];
const AFTER_FEATURES = [...AFTER_MEMORY, 'vcpu', 'vcpus', 'iothreads', 'cputune', 'numatune', 'resource', 'sysinfo', 'bootloader', 'os', 'features'];

/**
 * Set the vCPU count (sockets × cores × threads) and the matching <cpu><topology>. An existing
 * <vcpu current> is kept (lowered to the new count when above it) unless `current` is given.
 * libvirt's per-vCPU <vcpus> list must match the count, so it is dropped when the count changes
 * (libvirt writes it anew). NUMA cells (<cpu><numa>) naming vCPUs are not adjusted.
 */
export function setDomainVcpus(xml: string, vcpus: VcpuSpec & { current?: number }): string {
  const total = vcpuTotal(vcpus);
  if (vcpus.current !== undefined && (!Number.isInteger(vcpus.current) || vcpus.current < 1 || vcpus.current > total)) {
    throw new DomainXmlError('invalid', `current vCPUs must be between 1 and ${total}`);
  }
  return editDomain(xml, (root) => {
    const before = root.children.find((c) => c.name === 'vcpu');
    const countChanged = toInt(before?.text) !== total;
    let out = updateChild(
      root,
      'vcpu',
      (vcpu) => {
        const base = vcpu ?? element('vcpu', { placement: 'static' });
        const wanted = vcpus.current ?? toInt(attr(base, 'current'));
        // libvirt drops current='N' when it equals the count; so do we.
        const current = wanted === undefined || wanted >= total ? undefined : wanted;
        return withElement(setAttrs(base, { current }), { text: String(total) });
      },
      AFTER_MEMORY,
    );
    if (countChanged) out = removeChildren(out, (c) => c.name === 'vcpus');
    // A <cpu> holding only a topology is valid: it keeps the hypervisor's default model.
    return updateChild(
      out,
      'cpu',
      (cpu) => upsertChild(cpu ?? element('cpu'), 'topology', topologyElement(vcpus), ['model', 'vendor']),
      AFTER_FEATURES,
    );
  });
}

/**
 * Set <memory> and <currentMemory> (the balloon target at boot; default: all of it), written in
 * KiB as libvirt itself writes them. With NUMA cells libvirt derives <memory> from the cells'
 * sizes instead, so this edit alone does not resize such a guest.
 */
export function setDomainMemory(xml: string, memory: { memoryMiB: number; currentMemoryMiB?: number }): string {
  const { memoryMiB, currentMemoryMiB = memoryMiB } = memory;
  for (const [what, v] of [['memoryMiB', memoryMiB], ['currentMemoryMiB', currentMemoryMiB]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new DomainXmlError('invalid', `${what} must be a positive integer`);
  }
  if (currentMemoryMiB > memoryMiB) throw new DomainXmlError('invalid', 'current memory cannot exceed memory');
  const sized = (name: string, mib: number) => (el: XmlElement | undefined) =>
    withElement(setAttrs(el ?? element(name), { unit: 'KiB' }), { text: String(mib * 1024) });
  return editDomain(xml, (root) => {
    const withMemory = updateChild(root, 'memory', sized('memory', memoryMiB), AFTER_METADATA);
    return updateChild(withMemory, 'currentMemory', sized('currentMemory', currentMemoryMiB), [...AFTER_METADATA, 'maxMemory', 'memory']);
  });
}

/**
 * Set the CPU mode (and model for 'custom'). The topology, NUMA cells and cache settings are
 * kept; the previous model's <feature> list and vendor go, since they described that model.
 * Asking for what the domain already has changes nothing.
 */
export function setDomainCpu(xml: string, cpu: CpuSpec): string {
  return editDomain(xml, (root) => {
    const current = parseDomainElement(root).cpu;
    if (current.mode === cpu.mode && (cpu.mode !== 'custom' || current.model === cpu.model)) return root;
    return updateChild(
      root,
      'cpu',
      (el) => {
        const kept = (el?.children ?? []).filter((c) => !['model', 'vendor', 'feature'].includes(c.name));
        const fresh = cpuElement(cpu, ...kept);
        // migratable= only means something for host-passthrough; libvirt refuses it elsewhere.
        const migratable = cpu.mode === 'host-passthrough' ? attr(el, 'migratable') : undefined;
        return migratable ? setAttrs(fresh, { migratable }) : fresh;
      },
      AFTER_FEATURES,
    );
  });
}

/** Set the free-text description ('' removes it). */
export function setDomainDescription(xml: string, description: string): string {
  return editDomain(xml, (root) =>
    upsertChild(root, 'description', description === '' ? undefined : element('description', {}, description), ['name', 'uuid', 'genid', 'title']),
  );
}

/** Set the one-line title ('' removes it). libvirt refuses a title containing a newline. */
export function setDomainTitle(xml: string, title: string): string {
  if (/[\r\n]/.test(title)) throw new DomainXmlError('invalid', 'a title is a single line');
  return editDomain(xml, (root) => upsertChild(root, 'title', title === '' ? undefined : element('title', {}, title), ['name', 'uuid', 'genid']));
}

/** Replace the VM's tags (Ferry metadata); other metadata is untouched. */
export function setDomainTags(xml: string, tags: readonly string[]): string {
  return editDomain(xml, (root) => withFerryMetadata(root, { tags: [...tags] }));
}

/** Mark or unmark the VM as a template (Ferry metadata). */
export function setDomainTemplate(xml: string, template: boolean): string {
  return editDomain(xml, (root) => withFerryMetadata(root, { template }));
}

/**
 * Boot from these devices, in this order, and from nothing else. Uses per-device
 * <boot order='n'/> (the only form that can name a particular disk or NIC) and therefore removes
 * every <os><boot dev='…'/>, which libvirt refuses alongside it. Boot entries on devices outside
 * the list — including devices Ferry does not model, such as host devices — are removed too, so
 * the numbering cannot collide. An empty list leaves libvirt's default (the first hard disk).
 */
export function setDomainBootOrder(xml: string, keys: readonly DeviceKey[]): string {
  if (new Set(keys).size !== keys.length) throw new DomainXmlError('invalid', 'a device appears twice in the boot order');
  return editDomain(xml, (root) => {
    for (const key of keys) {
      if (!findDevice(root, key)) throw new DomainXmlError('not-found', `the domain has no device ${key}`);
    }
    const orderOf = new Map<XmlElement, number>(keys.map((k, i) => [findDevice(root, k)!, i + 1]));
    const withoutOsBoot = updateChild(root, 'os', (os) => (os ? removeChildren(os, (c) => c.name === 'boot') : os));
    return updateChild(withoutOsBoot, 'devices', (devices) =>
      devices
        ? mapChildren(devices, (cs) =>
            cs.map((dev) => {
              const order = orderOf.get(dev);
              const bare = removeChildren(dev, (c) => c.name === 'boot');
              return order === undefined ? bare : insertBeforeAddress(bare, element('boot', { order }));
            }),
          )
        : devices,
    );
  });
}
