// One error type for everything the binding reports. libvirt's own failures carry libvirt's
// code and domain (read with virGetLastError on the thread that made the call); the binding's
// own failures — a call past its deadline, a connection that dropped, a client that closed —
// carry a `kind` so callers never have to guess from message text.
import * as C from './generated/constants.gen.ts';

/** Plain-data shape of a libvirt error, as posted from a Worker. */
export interface LibvirtErrorData {
  fn: string;
  code: number;
  domain: number;
  message: string;
  level: number;
  str1: string | null;
  str2: string | null;
  str3: string | null;
  int1: number;
  int2: number;
}

export type LibvirtErrorKind =
  | 'libvirt' // libvirt reported the failure; see code/domain
  | 'timeout' // the call passed its deadline; whether it took effect is unknown
  | 'disconnected' // the connection dropped before or while the call ran
  | 'closed'; // the client or connection was closed by us

export class LibvirtError extends Error {
  override readonly name = 'LibvirtError';
  readonly kind: LibvirtErrorKind;
  readonly fn: string;
  readonly code: number;
  readonly domain: number;
  readonly level: number;
  readonly str1: string | null;

  constructor(data: Partial<LibvirtErrorData> & { message: string }, kind: LibvirtErrorKind = 'libvirt') {
    super(data.message);
    this.kind = kind;
    this.fn = data.fn ?? '';
    this.code = data.code ?? C.VIR_ERR_INTERNAL_ERROR;
    this.domain = data.domain ?? C.VIR_FROM_NONE;
    this.level = data.level ?? C.VIR_ERR_ERROR;
    this.str1 = data.str1 ?? null;
  }

  /** libvirt's symbolic name for `code`, e.g. `ERR_NO_DOMAIN`. */
  get codeName(): string {
    return C.ERROR_CODE_NAMES[this.code] ?? `ERR_${this.code}`;
  }

  /** libvirt's symbolic name for `domain` (the subsystem), e.g. `RPC`. */
  get domainName(): string {
    return C.ERROR_DOMAIN_NAMES[this.domain] ?? String(this.domain);
  }

  static timeout(fn: string, ms: number): LibvirtError {
    return new LibvirtError({ fn, code: C.VIR_ERR_OPERATION_TIMEOUT, message: `${fn}: no answer from libvirt within ${ms} ms` }, 'timeout');
  }

  static disconnected(fn: string, why: string): LibvirtError {
    return new LibvirtError({ fn, code: C.VIR_ERR_NO_CONNECT, domain: C.VIR_FROM_RPC, message: `${fn}: connection lost (${why})` }, 'disconnected');
  }

  static closed(fn: string, what: string): LibvirtError {
    return new LibvirtError({ fn, code: C.VIR_ERR_INVALID_CONN, message: `${fn}: ${what} is closed` }, 'closed');
  }
}

const NOT_FOUND = new Set([
  C.VIR_ERR_NO_DOMAIN, C.VIR_ERR_NO_DOMAIN_SNAPSHOT, C.VIR_ERR_NO_STORAGE_POOL, C.VIR_ERR_NO_STORAGE_VOL,
  C.VIR_ERR_NO_NETWORK, C.VIR_ERR_NO_DOMAIN_METADATA, C.VIR_ERR_NO_NODE_DEVICE, C.VIR_ERR_NO_SECRET,
]);
const INVALID_XML = new Set([C.VIR_ERR_XML_ERROR, C.VIR_ERR_XML_DETAIL, C.VIR_ERR_XML_INVALID_SCHEMA]);
const UNSUPPORTED = new Set([C.VIR_ERR_NO_SUPPORT, C.VIR_ERR_OPERATION_UNSUPPORTED, C.VIR_ERR_ARGUMENT_UNSUPPORTED]);
// The codes libvirt's RPC client uses when its socket is gone (EOF, keepalive timeout, closed
// socket); same classification as Nova and VDSM use to decide that a connection is dead.
const DISCONNECT_CODES = new Set([C.VIR_ERR_SYSTEM_ERROR, C.VIR_ERR_INTERNAL_ERROR, C.VIR_ERR_NO_CONNECT, C.VIR_ERR_INVALID_CONN, C.VIR_ERR_RPC]);
const RPC_DOMAINS = new Set([C.VIR_FROM_RPC, C.VIR_FROM_REMOTE]);

const asError = (e: unknown): LibvirtError | null => (e instanceof LibvirtError ? e : null);

export const isLibvirtError = (e: unknown): e is LibvirtError => e instanceof LibvirtError;
export const isNotFound = (e: unknown): boolean => { const x = asError(e); return !!x && x.kind === 'libvirt' && NOT_FOUND.has(x.code); };
export const isOperationInvalid = (e: unknown): boolean => asError(e)?.code === C.VIR_ERR_OPERATION_INVALID;
export const isInvalidXml = (e: unknown): boolean => { const x = asError(e); return !!x && INVALID_XML.has(x.code); };
export const isInvalidArgument = (e: unknown): boolean => asError(e)?.code === C.VIR_ERR_INVALID_ARG;
export const isAlreadyExists = (e: unknown): boolean => { const x = asError(e); return !!x && (x.code === C.VIR_ERR_DOM_EXIST || x.code === C.VIR_ERR_STORAGE_VOL_EXIST); };
export const isUnsupported = (e: unknown): boolean => { const x = asError(e); return !!x && UNSUPPORTED.has(x.code); };
export const isAccessDenied = (e: unknown): boolean => { const x = asError(e); return !!x && (x.code === C.VIR_ERR_ACCESS_DENIED || x.code === C.VIR_ERR_AUTH_FAILED || x.code === C.VIR_ERR_OPERATION_DENIED); };
export const isTimeout = (e: unknown): boolean => { const x = asError(e); return !!x && (x.kind === 'timeout' || x.code === C.VIR_ERR_OPERATION_TIMEOUT); };
export const isClosed = (e: unknown): boolean => asError(e)?.kind === 'closed';
export const isDisconnected = (e: unknown): boolean => {
  const x = asError(e);
  if (!x) return false;
  return x.kind === 'disconnected' || (x.kind === 'libvirt' && RPC_DOMAINS.has(x.domain) && DISCONNECT_CODES.has(x.code));
};
