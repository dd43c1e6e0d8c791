// The pre-flight checks of a migration: what GET …/migrate/preflight answers and what every
// POST …/migrate runs first. Each check reads only (nothing is changed) and gives pass / warn /
// fail with a reason a person can act on. A check that cannot be made because a libvirt call
// failed is a fail naming that call — never a silent pass.
import { attr, child, children, findGuest, parseCapabilities, parseDomain, parseStoragePool, parseXml, path, type DomainConfig, type HostCapabilities } from '@ferry/domain-xml';
import { isNotFound, type Connection } from '@ferry/libvirt';
import type { MigrateBody, PreflightCheck, PreflightResult } from '@ferry/contract';
import type { HostSupervisor } from '../hosts/host-supervisor.ts';

export interface PreflightInput {
  source: HostSupervisor;
  sourceConn: Connection;
  target: HostSupervisor;
  uuid: string;
  options: Pick<MigrateBody, 'storage' | 'postCopy' | 'live'>;
}

/** What the migration itself needs to know afterwards, read once here. */
export interface PreflightFacts {
  domain: DomainConfig;
  running: boolean;
  /** File-backed disks (device 'disk') with their paths, for copy-storage. */
  files: { target: string; path: string }[];
}

export interface PreflightOutcome { result: PreflightResult; facts: PreflightFacts | null; targetConn: Connection | null }

const pass = (id: PreflightCheck['id'], reason: string): PreflightCheck => ({ id, status: 'pass', reason });
const warn = (id: PreflightCheck['id'], reason: string): PreflightCheck => ({ id, status: 'warn', reason });
const fail = (id: PreflightCheck['id'], reason: string): PreflightCheck => ({ id, status: 'fail', reason });
const MiB = 1024 * 1024;

export async function runPreflight(input: PreflightInput): Promise<PreflightOutcome> {
  const { source, sourceConn, target, uuid, options } = input;
  const checks: PreflightCheck[] = [];
  const done = (facts: PreflightFacts | null, targetConn: Connection | null): PreflightOutcome =>
    ({ result: { ok: !checks.some((c) => c.status === 'fail'), checks }, facts, targetConn });

  const targetConn = target.currentConnection();
  if (!targetConn) {
    checks.push(fail('target-connected', `host ${target.id} is ${target.state}${target.lastError ? `: ${target.lastError}` : ''}`));
    return done(null, null);
  }
  checks.push(pass('target-connected', `host ${target.id} is connected`));

  const dom = sourceConn.domain(uuid);
  const [xml, state, sourceCaps, targetCaps] = await Promise.all([
    dom.getXML(), dom.getState(), sourceConn.getCapabilities().then(parseCapabilities), targetConn.getCapabilities().then(parseCapabilities),
  ]);
  const domain = parseDomain(xml);
  const root = parseXml(xml);
  const running = state.state === 1 || state.state === 3; // RUNNING or PAUSED: there is a QEMU to move

  // libvirt refuses a daemon with the same host UUID ("Attempt to migrate guest to the same host").
  if (target.id === source.id) checks.push(fail('not-same-host', 'the VM already runs on this host'));
  else if (sourceCaps.hostUuid && sourceCaps.hostUuid === targetCaps.hostUuid) checks.push(fail('not-same-host', `both hosts report the host UUID ${sourceCaps.hostUuid}; libvirt treats them as one host (set host_uuid in libvirtd.conf)`));
  else if (!sourceCaps.hostUuid || !targetCaps.hostUuid) checks.push(warn('not-same-host', 'a host reports no host UUID, so Ferry cannot tell whether they are one host'));
  else checks.push(pass('not-same-host', `host UUIDs differ (${sourceCaps.hostUuid || 'unset'} → ${targetCaps.hostUuid || 'unset'})`));

  checks.push(await cpuCheck(domain, root, sourceCaps, targetCaps, targetConn));
  checks.push(await memoryCheck(domain, targetConn));
  checks.push(await clashCheck(domain, targetConn));
  checks.push(emulatorCheck(domain, root, targetCaps));
  const files = domain.disks.flatMap((d) => (d.device === 'disk' && d.source && 'file' in d.source ? [{ target: d.target, path: d.source.file }] : []));
  checks.push(await storageCheck(domain, files, options.storage ?? 'shared', running, sourceConn, targetConn));
  checks.push(await devicesCheck(root, targetConn));
  if (options.postCopy) {
    checks.push(options.live === false || !running
      ? fail('post-copy', 'post-copy needs a live migration of a running VM')
      : warn('post-copy', 'post-copy needs userfaultfd for QEMU on the target (vm.unprivileged_userfaultfd=1 on QEMU 7); if the host refuses it the migration fails and the VM stays on the source'));
  }
  return done({ domain, running, files }, targetConn);
}

async function cpuCheck(domain: DomainConfig, root: ReturnType<typeof parseXml>, sourceCaps: HostCapabilities, targetCaps: HostCapabilities, targetConn: Connection): Promise<PreflightCheck> {
  if (domain.type === 'qemu') return pass('cpu', 'emulated CPU (TCG): independent of the host CPU');
  if (domain.cpu.mode === 'host-passthrough') {
    const same = sourceCaps.host.cpu.model === targetCaps.host.cpu.model && sourceCaps.host.cpu.vendor === targetCaps.host.cpu.vendor;
    return same ? pass('cpu', `host-passthrough between identical host CPUs (${targetCaps.host.cpu.model ?? 'unknown'})`)
      : fail('cpu', `host-passthrough from a ${sourceCaps.host.cpu.model ?? 'unknown'} to a ${targetCaps.host.cpu.model ?? 'unknown'} host CPU; use a named CPU model`);
  }
  const cpu = child(root, 'cpu');
  const model = child(cpu, 'model')?.text;
  if (!model) return pass('cpu', "the hypervisor's default CPU model");
  try {
    // 0 incompatible, 1 identical, 2 superset (VIR_CPU_COMPARE_*)
    const verdict = await targetConn.compareCPU(`<cpu match='exact'><model>${model.replace(/[^A-Za-z0-9._-]/g, '')}</model></cpu>`);
    return verdict === 0 ? fail('cpu', `the target host's CPU cannot provide the guest's model ${model}`) : pass('cpu', `the target host's CPU provides ${model}`);
  } catch (e) {
    return warn('cpu', `could not compare the CPU model ${model} on the target: ${(e as Error).message}`);
  }
}

async function memoryCheck(domain: DomainConfig, targetConn: Connection): Promise<PreflightCheck> {
  try {
    const free = await targetConn.getFreeMemory();
    const need = domain.memoryKiB * 1024;
    const text = `${Math.round(need / MiB)} MiB needed, ${Math.round(free / MiB)} MiB free on the target`;
    if (free < need) return fail('memory', text);
    return free < need * 1.1 ? warn('memory', `${text} (less than 10 % to spare)`) : pass('memory', text);
  } catch (e) {
    return fail('memory', `could not read the target's free memory: ${(e as Error).message}`);
  }
}

async function clashCheck(domain: DomainConfig, targetConn: Connection): Promise<PreflightCheck> {
  const exists = async (f: () => Promise<unknown>): Promise<boolean> => {
    try { await f(); return true; } catch (e) { if (isNotFound(e)) return false; throw e; }
  };
  try {
    if (await exists(() => targetConn.lookupDomainByUuid(domain.uuid))) return fail('name-uuid', `the target already has a VM with UUID ${domain.uuid}`);
    if (await exists(() => targetConn.lookupDomainByName(domain.name))) return fail('name-uuid', `the target already has a VM named ${domain.name}`);
    return pass('name-uuid', 'no VM with this name or UUID on the target');
  } catch (e) {
    return fail('name-uuid', `could not look for a clash on the target: ${(e as Error).message}`);
  }
}

function emulatorCheck(domain: DomainConfig, root: ReturnType<typeof parseXml>, targetCaps: HostCapabilities): PreflightCheck {
  const guest = findGuest(targetCaps, domain.arch);
  if (!guest) return fail('emulator-machine', `the target cannot run ${domain.arch} guests`);
  const type = guest.domainTypes.find((t) => t.type === domain.type);
  if (!type) return fail('emulator-machine', `the target offers no '${domain.type}' domains for ${domain.arch}`);
  const machines = [...guest.machines, ...type.machines];
  if (!machines.some((m) => m.name === domain.machine || m.canonical === domain.machine)) {
    return fail('emulator-machine', `the target's QEMU has no machine type ${domain.machine}`);
  }
  const emulator = path(root, 'devices', 'emulator')?.text;
  const offered = [type.emulator, guest.emulator].filter(Boolean);
  if (emulator && !offered.includes(emulator)) return fail('emulator-machine', `the target has no emulator ${emulator} (it offers ${offered.join(', ') || 'none'})`);
  return pass('emulator-machine', `${emulator ?? 'the default emulator'} with machine ${domain.machine} on the target`);
}

async function storageCheck(domain: DomainConfig, files: PreflightFacts['files'], mode: 'shared' | 'copy', running: boolean, sourceConn: Connection, targetConn: Connection): Promise<PreflightCheck> {
  const other = domain.disks.filter((d) => d.device === 'disk' && !(d.source && 'file' in d.source));
  if (other.length > 0) return warn('storage', `disks ${other.map((d) => d.target).join(', ')} are not files; Ferry leaves them to libvirt as they are`);
  if (files.length === 0) return pass('storage', 'no disks');
  try {
    if (mode === 'shared') {
      const missing: string[] = [];
      for (const f of files) {
        try { await targetConn.lookupVolumeByPath(f.path); } catch (e) { if (isNotFound(e)) missing.push(f.path); else throw e; }
      }
      return missing.length > 0
        ? fail('storage', `not reachable on the target (no storage pool there holds ${missing.join(', ')}); use storage: 'copy' or shared storage`)
        : pass('storage', `every disk is in a storage pool of the target at the same path (${files.map((f) => f.target).join(', ')})`);
    }
    if (!running) return fail('storage', 'copying storage needs a running VM (libvirt copies disks through the running QEMU); start it or use shared storage');
    const dirs = new Set<string>();
    for (const p of await targetConn.listStoragePools()) {
      if (!p.active) continue;
      const poolPath = parseStoragePool(await targetConn.getStoragePoolXML(p.name)).path;
      if (poolPath) dirs.add(poolPath.replace(/\/+$/, ''));
    }
    for (const f of files) {
      await sourceConn.lookupVolumeByPath(f.path); // its size and format are copied to the target
      const dir = f.path.slice(0, f.path.lastIndexOf('/'));
      if (!dirs.has(dir)) return fail('storage', `no active storage pool on the target holds ${dir}, so ${f.target} cannot be created there`);
      try {
        await targetConn.lookupVolumeByPath(f.path);
        return fail('storage', `${f.path} already exists on the target; copying would overwrite it`);
      } catch (e) { if (!isNotFound(e)) throw e; }
    }
    return pass('storage', `disks ${files.map((f) => f.target).join(', ')} will be created on the target and copied`);
  } catch (e) {
    return fail('storage', `could not check the disks: ${(e as Error).message}`);
  }
}

async function devicesCheck(root: ReturnType<typeof parseXml>, targetConn: Connection): Promise<PreflightCheck> {
  const devices = child(root, 'devices');
  const hostdevs = children(devices, 'hostdev');
  if (hostdevs.length > 0) return fail('devices', `${hostdevs.length} host device(s) passed through; detach them first`);
  for (const disk of children(devices, 'disk')) {
    if (attr(disk, 'device') !== 'cdrom' && attr(disk, 'device') !== 'floppy') continue;
    const file = attr(child(disk, 'source'), 'file');
    if (!file) continue;
    try {
      await targetConn.lookupVolumeByPath(file);
    } catch (e) {
      if (!isNotFound(e)) return fail('devices', `could not check ${file} on the target: ${(e as Error).message}`);
      return fail('devices', `the ${attr(disk, 'device')} image ${file} is not on the target; eject it first`);
    }
  }
  return pass('devices', 'no host devices or local removable media');
}
