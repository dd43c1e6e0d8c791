// A token's expiry as the form offers it: never, a number of days from now, or a chosen date
// (the end of that day, local time).
export const EXPIRY_CHOICES = [
  { value: 'never', label: 'Never' },
  { value: '7', label: 'In 7 days' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In a year' },
  { value: 'date', label: 'On a date…' },
] as const;
export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]['value'];

/** The ISO timestamp to send, undefined for "never", or an error in words. */
export function expiresAt(choice: ExpiryChoice, date: string, now = Date.now()): { value?: string; error?: string } {
  if (choice === 'never') return {};
  if (choice !== 'date') return { value: new Date(now + Number(choice) * 86_400_000).toISOString() };
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return { error: 'choose a date' };
  const end = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  if (Number.isNaN(end.getTime()) || end.getTime() <= now) return { error: 'must be in the future' };
  return { value: end.toISOString() };
}
