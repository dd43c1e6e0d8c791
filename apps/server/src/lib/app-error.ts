// The one error type handlers throw. Its code picks the HTTP status (contract ERROR_STATUS);
// libvirt failures are mapped here, at the service boundary, so no libvirt detail leaks into
// a 5xx body.
import { ERROR_STATUS, type ErrorCode } from '@ferry/contract';
import {
  isAccessDenied, isAlreadyExists, isClosed, isDisconnected, isInvalidArgument, isInvalidXml, isLibvirtError,
  isNotFound, isOperationInvalid, isTimeout,
} from '@ferry/libvirt';

export class AppError extends Error {
  override readonly name = 'AppError';
  constructor(readonly code: ErrorCode, message: string, readonly details?: unknown, readonly headers?: Record<string, string>, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Maps a libvirt failure to the API's error; anything unexpected becomes INTERNAL. */
export function fromLibvirt(e: unknown, what = 'the hypervisor operation'): AppError {
  if (e instanceof AppError) return e;
  if (!isLibvirtError(e)) return new AppError('INTERNAL', `${what} failed`, undefined, undefined, e);
  if (isDisconnected(e) || isClosed(e)) return new AppError('HYPERVISOR_UNAVAILABLE', 'the host is not connected');
  if (isTimeout(e)) return new AppError('HYPERVISOR_TIMEOUT', 'the host did not answer in time');
  // For client errors libvirt's message is useful and safe (it names the object and state).
  if (isNotFound(e)) return new AppError('NOT_FOUND', e.message);
  if (isOperationInvalid(e)) return new AppError('INVALID_STATE', e.message);
  if (isAlreadyExists(e)) return new AppError('CONFLICT', e.message);
  if (isInvalidXml(e) || isInvalidArgument(e)) return new AppError('BAD_REQUEST', e.message);
  if (isAccessDenied(e)) return new AppError('FORBIDDEN', 'the host refused the operation');
  // The libvirt message rides along as `cause`: never in an HTTP body, but a task's log shows it
  // to those who may see the task (why a guest did not start is the admin's business).
  return new AppError('INTERNAL', `${what} failed`, undefined, undefined, e);
}
