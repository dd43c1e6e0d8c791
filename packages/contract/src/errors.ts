// The closed set of error codes Ferry answers with, and the one table mapping each to its
// HTTP status. Clients switch on `code`; `message` is for humans and may change.
import { z } from 'zod';

export const ERROR_STATUS = {
  BAD_REQUEST: 400, // malformed JSON, wrong types, unknown fields, out-of-range values
  UNAUTHENTICATED: 401, // no or invalid session/token
  FORBIDDEN: 403, // authenticated but lacking the permission
  CSRF_FAILED: 403, // cookie-authenticated mutation without a valid X-CSRF-Token
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409, // e.g. a name already taken
  INVALID_STATE: 409, // e.g. starting a running VM
  STALE_DIGEST: 409, // optimistic concurrency: the object changed since it was read
  NOT_EMPTY: 409, // e.g. removing a storage pool that still holds volumes
  SHRINK_REFUSED: 409, // resizing a volume below its current size (it would destroy data)
  INSUFFICIENT_SPACE: 409, // the storage pool has less free space than the volume or upload needs
  CONSOLE_UNAVAILABLE: 409, // the VM has no such console Ferry can reach (no VNC, VNC off loopback, VNC on a remote host)
  PREFLIGHT_FAILED: 409, // a migration pre-flight check failed (details: the checks); nothing was changed
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429, // with Retry-After
  INTERNAL: 500, // never carries internals
  HYPERVISOR_UNAVAILABLE: 503, // the host's libvirt connection is down
  HYPERVISOR_TIMEOUT: 504, // libvirt did not answer within the deadline
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ErrorBodySchema = z.object({
  error: z.object({
    code: ErrorCodeSchema,
    message: z.string(),
    details: z.unknown().optional(),
    requestId: z.string(),
  }),
}).meta({ id: 'Error' });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;
