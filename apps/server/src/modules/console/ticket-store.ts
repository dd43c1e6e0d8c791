// Console tickets: what a browser puts in the console WebSocket's URL, since browsers cannot set
// headers on a WebSocket. 32 random bytes, base64url. Only their SHA-256 is kept, in memory
// (a heap dump or a debug print shows no usable ticket), with the binding: the user and the
// session or token that asked, the VM and the kind. take() removes the entry in the same
// synchronous step that finds it, so two upgrades racing with one ticket cannot both get it.
// Expired entries are swept on every issue, so the map stays as small as the tickets live.
import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleKind } from '@ferry/contract';

export interface TicketBinding {
  userId: string;
  /** 'session:<idHash>' or 'token:<id>': the upgrade must come with the same credential. */
  credential: string;
  vmId: string;
  kind: ConsoleKind;
}

interface Entry extends TicketBinding { expiresAt: number }

const hash = (ticket: string): string => createHash('sha256').update(ticket).digest('base64url');

export class TicketStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  issue(binding: TicketBinding): { ticket: string; expiresAt: Date } {
    this.sweep();
    const ticket = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.entries.set(hash(ticket), { ...binding, expiresAt });
    return { ticket, expiresAt: new Date(expiresAt) };
  }

  /** The ticket's binding, once: a second take of the same ticket, or a late one, gets null. */
  take(ticket: string): TicketBinding | null {
    const key = hash(ticket);
    const entry = this.entries.get(key);
    if (!entry) return null;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return null;
    const { expiresAt: _, ...binding } = entry;
    return binding;
  }

  get size(): number {
    return this.entries.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }
}

export const credentialOf = (p: { via: 'session' | 'token'; sessionId: string | null; tokenId: string | null }): string =>
  (p.via === 'session' ? `session:${p.sessionId}` : `token:${p.tokenId}`);
