// A zod result's problems as a form shows them beside its fields.
import type { z } from 'zod';

/** The first problem's message; undefined when the value passed. */
export const firstIssue = (r: { error?: { issues: readonly { message: string }[] } | undefined }): string | undefined =>
  r.error?.issues[0]?.message;

/** zod issues → { 'dhcp.start': message }; the first issue of a path wins. */
export function issuesByPath(issues: readonly z.core.$ZodIssue[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of issues) {
    const key = [prefix, ...i.path.map(String)].filter(Boolean).join('.');
    out[key] ??= i.message;
  }
  return out;
}
