import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api, type QueryOf } from '../../../../lib/api-client.ts';
import { adminKeys } from '../../admin-keys.ts';

export type AuditQuery = Partial<QueryOf<'listAudit'>>;

export const getAudit = (query: AuditQuery, signal?: AbortSignal) => api('listAudit', { query }, { signal });

export const auditQueryOptions = (query: AuditQuery) => queryOptions({
  queryKey: adminKeys.audit(query),
  queryFn: ({ signal }) => getAudit(query, signal),
  staleTime: 5_000,
});

/** Keeps showing the previous page while the next one loads (no flash of "nothing"). */
export const useAudit = (query: AuditQuery) => useQuery({ ...auditQueryOptions(query), placeholderData: keepPreviousData });
