// Login throttling: failed attempts are counted per source address and per account name, each
// in a fixed window that starts at the first failure. Once either count reaches its limit,
// further attempts are refused (429, Retry-After = seconds until that window ends) without
// checking the password. Account names are counted whether or not they exist, so the answers
// for known and unknown users stay alike.
//
// An attempt is counted when it begins (begin), before the slow password check, so a burst of
// parallel guesses cannot all slip past the limit; success then takes it back (succeeded).
// A success also clears the account's count, but not the address's earlier failures:
// otherwise one valid account would let an attacker reset their budget while guessing others. IPv6 addresses are counted
// per /64, since one client usually holds a whole /64.
//
// State is in memory (a restart forgets it) and bounded: when a table is full, ended windows
// are dropped first, then the oldest entries.

export interface ThrottleOptions {
  now: () => number;
  windowMs?: number;
  maxPerAccount?: number;
  maxPerIp?: number;
  maxEntries?: number;
}

export interface LoginThrottle {
  /** Seconds to wait before trying again, or 0 when an attempt may proceed. */
  retryAfter(ip: string, account: string): number;
  /** Counts an attempt as failed until succeeded() says otherwise. */
  begin(ip: string, account: string): void;
  /** The attempt begun for this pair succeeded: uncount it, and forget the account's failures. */
  succeeded(ip: string, account: string): void;
}

interface Window { count: number; startedAt: number }

export function createLoginThrottle(opts: ThrottleOptions): LoginThrottle {
  const { now, windowMs = 15 * 60_000, maxPerAccount = 5, maxPerIp = 20, maxEntries = 10_000 } = opts;
  const byIp = new Map<string, Window>();
  const byAccount = new Map<string, Window>();

  const live = (table: Map<string, Window>, key: string, t: number): Window | undefined => {
    const w = table.get(key);
    if (w && t - w.startedAt >= windowMs) {
      table.delete(key);
      return undefined;
    }
    return w;
  };

  const wait = (w: Window | undefined, max: number, t: number): number =>
    w && w.count >= max ? Math.max(1, Math.ceil((w.startedAt + windowMs - t) / 1000)) : 0;

  const bump = (table: Map<string, Window>, key: string, t: number): void => {
    const w = live(table, key, t);
    if (w) {
      w.count++;
      return;
    }
    if (table.size >= maxEntries) evict(table, t);
    table.set(key, { count: 1, startedAt: t });
  };

  const evict = (table: Map<string, Window>, t: number): void => {
    for (const [k, w] of table) if (t - w.startedAt >= windowMs) table.delete(k);
    // Maps iterate in insertion order, so the first keys are the oldest windows.
    for (const k of table.keys()) {
      if (table.size < maxEntries) break;
      table.delete(k);
    }
  };

  return {
    retryAfter(ip, account) {
      const t = now();
      return Math.max(wait(live(byIp, ipKey(ip), t), maxPerIp, t), wait(live(byAccount, accountKey(account), t), maxPerAccount, t));
    },
    begin(ip, account) {
      const t = now();
      bump(byIp, ipKey(ip), t);
      bump(byAccount, accountKey(account), t);
    },
    succeeded(ip, account) {
      const w = live(byIp, ipKey(ip), now());
      if (w && --w.count <= 0) byIp.delete(ipKey(ip));
      byAccount.delete(accountKey(account));
    },
  };
}

/** Usernames are case-insensitive, so their counts are too. */
const accountKey = (account: string): string => account.toLowerCase();

/** IPv4 as is (also when IPv4-mapped in IPv6), IPv6 by its /64 prefix. */
export function ipKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = ip.includes('::') && tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
