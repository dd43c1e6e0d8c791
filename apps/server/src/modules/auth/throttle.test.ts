import { describe, expect, it } from 'vitest';
import { createLoginThrottle, ipKey } from './throttle.ts';

function setup(overrides = {}) {
  let t = 1_000_000;
  const throttle = createLoginThrottle({ now: () => t, windowMs: 60_000, maxPerAccount: 3, maxPerIp: 5, ...overrides });
  const fail = (ip: string, account: string, n = 1) => { for (let i = 0; i < n; i++) throttle.begin(ip, account); };
  return { throttle, fail, advance: (ms: number) => { t += ms; } };
}

describe('login throttle', () => {
  it('blocks an account after its limit, from any address, until its window ends', () => {
    const { throttle, fail, advance } = setup();
    fail('10.0.0.1', 'alice', 2);
    expect(throttle.retryAfter('10.0.0.9', 'alice')).toBe(0);
    fail('10.0.0.2', 'alice');
    expect(throttle.retryAfter('10.0.0.9', 'alice')).toBe(60);
    expect(throttle.retryAfter('10.0.0.9', 'ALICE')).toBe(60); // names are case-insensitive
    expect(throttle.retryAfter('10.0.0.9', 'bob')).toBe(0);
    advance(59_500);
    expect(throttle.retryAfter('10.0.0.9', 'alice')).toBe(1);
    advance(500);
    expect(throttle.retryAfter('10.0.0.9', 'alice')).toBe(0);
  });

  it('blocks an address after its limit, whatever names it tries', () => {
    const { throttle, fail } = setup();
    for (const name of ['a', 'b', 'c', 'd', 'e']) fail('10.0.0.1', name);
    expect(throttle.retryAfter('10.0.0.1', 'someone-new')).toBe(60);
    expect(throttle.retryAfter('10.0.0.2', 'someone-new')).toBe(0);
  });

  it('on success forgets the account\'s failures but not the address\'s', () => {
    const { throttle, fail } = setup();
    fail('10.0.0.1', 'alice', 2);
    fail('10.0.0.1', 'bob');
    throttle.begin('10.0.0.1', 'alice');
    throttle.succeeded('10.0.0.1', 'alice'); // the address keeps its 3 failures; alice is back to 0
    fail('10.0.0.2', 'alice', 2);
    expect(throttle.retryAfter('10.0.0.3', 'alice')).toBe(0); // 2 of 3, not 4
    fail('10.0.0.1', 'carol', 2);
    expect(throttle.retryAfter('10.0.0.1', 'dave')).toBe(60); // 3 + 2 = 5
  });

  it('stays within its size bound', () => {
    const { throttle, fail } = setup({ maxEntries: 100, maxPerIp: 1000 });
    for (let i = 0; i < 1000; i++) fail('10.0.0.1', `user${i}`);
    expect(throttle.retryAfter('10.0.0.2', 'user0')).toBe(0); // evicted, oldest first
    fail('10.0.0.2', 'user999', 2);
    expect(throttle.retryAfter('10.0.0.3', 'user999')).toBe(60); // recent ones kept
  });
});

describe('ipKey', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6 and groups IPv6 by /64', () => {
    expect(ipKey('192.0.2.7')).toBe('192.0.2.7');
    expect(ipKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(ipKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(ipKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(ipKey('::1')).toBe('0:0:0:0::/64');
    expect(ipKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});
