// Identifiers and shapes shared by many resources. Identifiers are validated before any
// lookup: no slashes, no `..`, bounded length.
import { z } from 'zod';
import { HOST_ID_PATTERN, UUID_PATTERN } from './permissions.ts';

export const UuidSchema = z.string().regex(UUID_PATTERN, 'must be a lowercase UUID');
export const HostIdSchema = z.string().regex(HOST_ID_PATTERN, 'must be lowercase letters, digits and dashes (max 63)');
/** Database row ids (users, tokens, grants, tasks, audit entries). */
export const RowIdSchema = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'malformed id');
export const TimestampSchema = z.iso.datetime({ offset: true });

export const PageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

/** `{ items }`, plus paging fields where a list pages. */
export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });

export const EmptySchema = z.strictObject({});
export const TaskAcceptedSchema = z.object({ taskId: RowIdSchema });
