// POST /vms/:vmId/migrate → 202 { taskId }. The server runs the pre-flight again first: a
// failing check answers 409 PREFLIGHT_FAILED with the checks as details, nothing changed.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { PreflightResultSchema, type MigrateBody, type PreflightCheck } from '@ferry/contract';
import { api } from '../../../lib/api-client.ts';
import { isApiError } from '../../../lib/api-error.ts';
import { taskKeys } from '../../tasks/api/task-keys.ts';

export const migrateVm = ({ vmId, body }: { vmId: string; body: MigrateBody }) =>
  api('migrateVm', { params: { vmId }, body });

export function useMigrateVm() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: migrateVm,
    onSuccess: () => void qc.invalidateQueries({ queryKey: taskKeys.all }),
  });
}

/** The checks a PREFLIGHT_FAILED refusal carries, if it is one. */
export function refusedChecks(err: unknown): PreflightCheck[] | null {
  if (!isApiError(err) || err.code !== 'PREFLIGHT_FAILED') return null;
  const details = err.details as { checks?: unknown } | unknown[] | undefined;
  const parsed = PreflightResultSchema.shape.checks.safeParse(Array.isArray(details) ? details : details?.checks);
  return parsed.success ? parsed.data : null;
}
