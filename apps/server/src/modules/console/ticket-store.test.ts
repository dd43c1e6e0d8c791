import { describe, expect, it } from 'vitest';
import { TicketStore, type TicketBinding } from './ticket-store.ts';

const binding: TicketBinding = { userId: 'u1', credential: 'session:abc', vmId: '6695eb01-f6a4-8304-79aa-97f2502e193f', kind: 'vnc' };

describe('console tickets', () => {
  it('are 32 random bytes in base64url, and differ every time', () => {
    const store = new TicketStore(30_000);
    const a = store.issue(binding).ticket;
    const b = store.issue(binding).ticket;
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it('give their binding once: a replay gets nothing', () => {
    const store = new TicketStore(30_000);
    const { ticket } = store.issue(binding);
    expect(store.take(ticket)).toEqual(binding);
    expect(store.take(ticket)).toBeNull();
  });

  it('expire: a late take gets nothing, and expired ones are swept', () => {
    let now = 1_000_000;
    const store = new TicketStore(30_000, () => now);
    const { ticket, expiresAt } = store.issue(binding);
    expect(expiresAt.getTime()).toBe(now + 30_000);
    now += 30_000;
    expect(store.take(ticket)).toBeNull();
    store.issue(binding);
    now += 30_001;
    store.issue(binding);
    expect(store.size).toBe(1);
  });

  it('keep no ticket in memory, only its hash', () => {
    const store = new TicketStore(30_000);
    const { ticket } = store.issue(binding);
    expect(JSON.stringify([...(store as unknown as { entries: Map<string, unknown> }).entries])).not.toContain(ticket);
  });

  it('refuse a made-up ticket', () => {
    expect(new TicketStore(30_000).take('A'.repeat(43))).toBeNull();
  });
});
