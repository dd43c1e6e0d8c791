// An API error as people should see it: the code (stable, searchable) and the server's message.
import { isApiError } from '../lib/api-error.ts';

export function ErrorMessage({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const code = isApiError(error) ? error.code : 'ERROR';
  const message = error instanceof Error ? error.message : String(error);
  const requestId = isApiError(error) ? error.requestId : null;
  return (
    <div className="error-message" role="alert" data-testid="error-message" data-code={code}>
      {title && <strong>{title}: </strong>}
      <code className="error-code">{code}</code> {message}
      {requestId && <span className="muted" title="request id"> (request {requestId.slice(0, 8)})</span>}
    </div>
  );
}
