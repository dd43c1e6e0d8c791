import type { VmSummary } from '@ferry/contract';
import { Dialog } from '../../../../components/dialog.tsx';
import { ErrorMessage } from '../../../../components/error-message.tsx';
import type { ResultOf } from '../../../../lib/api-client.ts';

interface BulkResultsProps {
  result: ResultOf<'bulkPower'> | undefined;
  error: unknown;
  action: string;
  vms: readonly VmSummary[];
  onClose: () => void;
}

export function BulkResults({ result, error, action, vms, onClose }: BulkResultsProps) {
  const names = new Map(vms.map((v) => [v.id, v.name]));
  const failed = result?.results.filter((r) => r.error).length ?? 0;
  return (
    <Dialog title={`Bulk ${action}`} onClose={onClose} testId="bulk-results" footer={<button type="button" className="primary" onClick={onClose}>Close</button>}>
      <ErrorMessage error={error} />
      {result && (
        <>
          <p>{result.results.length - failed} accepted, {failed} refused.</p>
          <table className="table">
            <thead><tr><th>VM</th><th>Result</th></tr></thead>
            <tbody>
              {result.results.map((r) => (
                <tr key={r.vmId} data-testid="bulk-result" data-vm-id={r.vmId} data-ok={!r.error}>
                  <td>{names.get(r.vmId) ?? r.vmId}</td>
                  <td>{r.error ? <><code className="error-code">{r.error.code}</code> {r.error.message}</> : <>accepted (task <code>{r.taskId?.slice(0, 8)}</code>)</>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </Dialog>
  );
}
