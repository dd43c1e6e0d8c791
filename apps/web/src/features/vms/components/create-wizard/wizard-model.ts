// The create wizard's form: its defaults, what the user typed, and the request body it makes.
// Validation uses the contract's own schemas, so the browser refuses exactly what the server
// would, with the same messages.
import { CreateVmBodySchema, TagSchema, VmNameSchema, type CreateVmBody, type Network, type StoragePool } from '@ferry/contract';

export type DiskChoice = 'new' | 'existing' | 'none';

export interface WizardForm {
  name: string;
  hostId: string;
  description: string;
  /** Comma- or space-separated. */
  tags: string;
  isoPool: string;
  /** '' = no installation medium. */
  iso: string;
  disk: DiskChoice;
  diskPool: string;
  diskSizeGiB: number;
  diskVolume: string;
  vcpus: number;
  memoryMiB: number;
  firmware: 'bios' | 'uefi';
  /** '' = no network card. */
  network: string;
  start: boolean;
}

export const DEFAULT_DISK_GIB = 10;

export function initialForm(hostId: string): WizardForm {
  return {
    name: '', hostId, description: '', tags: '', isoPool: '', iso: '',
    disk: 'new', diskPool: '', diskSizeGiB: DEFAULT_DISK_GIB, diskVolume: '',
    vcpus: 1, memoryMiB: 1024, firmware: 'bios', network: '', start: false,
  };
}

/** The host's sensible defaults: the 'default' pool and network when there, else the first active ones. */
export function hostDefaults(pools: readonly StoragePool[], networks: readonly Network[]): Pick<WizardForm, 'diskPool' | 'isoPool' | 'network' | 'disk'> {
  const activePools = pools.filter((p) => p.active);
  const pool = activePools.find((p) => p.name === 'default') ?? activePools[0];
  const activeNets = networks.filter((n) => n.active);
  const net = activeNets.find((n) => n.name === 'default') ?? activeNets[0];
  return { diskPool: pool?.name ?? '', isoPool: pool?.name ?? '', network: net?.name ?? '', disk: pool ? 'new' : 'none' };
}

export const parseTags = (s: string): string[] => s.split(/[\s,]+/).filter(Boolean);

export function buildBody(f: WizardForm): CreateVmBody {
  const disks: NonNullable<CreateVmBody['disks']> = [];
  if (f.disk === 'new' && f.diskPool) disks.push({ pool: f.diskPool, sizeGiB: f.diskSizeGiB, format: 'qcow2' });
  if (f.disk === 'existing' && f.diskPool && f.diskVolume) disks.push({ pool: f.diskPool, volume: f.diskVolume });
  if (f.iso && f.isoPool) disks.push({ pool: f.isoPool, iso: f.iso });
  const tags = parseTags(f.tags);
  return {
    name: f.name.trim(),
    ...(f.hostId ? { hostId: f.hostId } : {}),
    ...(f.description.trim() ? { description: f.description.trim() } : {}),
    ...(tags.length ? { tags } : {}),
    vcpus: f.vcpus,
    memoryMiB: f.memoryMiB,
    firmware: f.firmware,
    disks,
    nics: f.network ? [{ network: f.network }] : [],
    start: f.start,
  };
}

export type FieldErrors = Partial<Record<keyof WizardForm, string>>;

/** Problems by field; empty when the form can be sent. */
export function validate(f: WizardForm): FieldErrors {
  const errors: FieldErrors = {};
  const name = VmNameSchema.safeParse(f.name.trim());
  if (!f.name.trim()) errors.name = 'a name is required';
  else if (!name.success) errors.name = name.error.issues[0]?.message ?? 'invalid name';
  const badTag = parseTags(f.tags).find((t) => !TagSchema.safeParse(t).success);
  if (badTag) errors.tags = `"${badTag}": letters, digits, dash and underscore; at most 32`;
  if (f.disk === 'new' && !f.diskPool) errors.diskPool = 'choose a storage pool';
  if (f.disk === 'existing' && !f.diskVolume) errors.diskVolume = 'choose a volume';
  if (Object.keys(errors).length > 0) return errors;
  const whole = CreateVmBodySchema.safeParse(buildBody(f));
  if (!whole.success) {
    for (const issue of whole.error.issues) {
      const field = ({ description: 'description', vcpus: 'vcpus', memoryMiB: 'memoryMiB', disks: 'diskSizeGiB', nics: 'network' } as const)[String(issue.path[0])] ?? 'name';
      errors[field] ??= issue.message;
    }
  }
  return errors;
}
