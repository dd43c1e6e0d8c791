// libvirt's snapshot refusals → the API's errors. Most are fromLibvirt's; these are the ones it
// would call INTERNAL or BAD_REQUEST but which really say "not in this state / not on this
// version" (409, with libvirt's message: it names the limitation and nothing internal).
import { constants as C, isLibvirtError } from '@ferry/libvirt';
import { AppError, fromLibvirt } from '../../lib/app-error.ts';

const LIMITATIONS = new Set([
  C.VIR_ERR_NO_SUPPORT, C.VIR_ERR_OPERATION_UNSUPPORTED, C.VIR_ERR_ARGUMENT_UNSUPPORTED, C.VIR_ERR_CONFIG_UNSUPPORTED,
  C.VIR_ERR_SNAPSHOT_REVERT_RISKY,
]);

export function snapshotError(e: unknown, what: string): AppError {
  if (e instanceof AppError || !isLibvirtError(e)) return fromLibvirt(e, what);
  // An external overlay whose file is already there: libvirt never overwrites it.
  if (/already exists/i.test(e.message)) return new AppError('CONFLICT', e.message);
  // libvirt 9.0 merging an external snapshot that is not in the VM's active chain.
  if (e.code === C.VIR_ERR_INVALID_ARG && /base disk source/.test(e.message)) {
    return new AppError('INVALID_STATE', `libvirt cannot merge this external snapshot now: its files are not in the VM's active disk chain (${e.message})`);
  }
  if (e.code === C.VIR_ERR_SNAPSHOT_REVERT_RISKY) return new AppError('INVALID_STATE', `${e.message}; pass force: true to revert anyway`);
  if (LIMITATIONS.has(e.code)) return new AppError('INVALID_STATE', e.message);
  return fromLibvirt(e, what);
}
