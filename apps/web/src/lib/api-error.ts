// The one error type the web client raises: the server's `{ error: { code, message } }`, or a
// code of the client's own when no answer came. The UI switches on `code`, never on `message`.
import type { ErrorCode } from '@ferry/contract';

/** Codes the client makes up itself: the request never got an answer in Ferry's shape. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'BAD_RESPONSE';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly status: number,
    readonly requestId: string | null = null,
    readonly details: unknown = undefined,
  ) {
    super(message);
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

/** Errors that mean "sign in again": the session ended, or this tab lost its CSRF token. */
export const isSessionLost = (e: unknown): boolean =>
  isApiError(e) && (e.code === 'UNAUTHENTICATED' || e.code === 'CSRF_FAILED');
