// One error type for domain edits and builds that cannot be carried out as asked, with a closed
// set of codes the server maps to HTTP statuses (not-found → 404, conflict → 409,
// invalid → 400) without inspecting messages.
export type DomainXmlErrorCode = 'not-found' | 'conflict' | 'invalid';

export class DomainXmlError extends Error {
  override readonly name = 'DomainXmlError';
  constructor(
    readonly code: DomainXmlErrorCode,
    message: string,
  ) {
    super(message);
  }
}
