import { describe, expect, it } from 'vitest';
import { filtersFromSearch, queryFromFilters, searchFromFilters } from './audit-filters-model.ts';

describe('audit filters in the URL', () => {
  it('round-trips through the query string and becomes the API query', () => {
    const f = filtersFromSearch('?username=alice&method=DELETE&result=error&route=%2Ftokens&page=3');
    expect(searchFromFilters(f)).toBe('?username=alice&method=DELETE&route=%2Ftokens&result=error&page=3');
    expect(queryFromFilters(f)).toEqual({ limit: 50, offset: 100, username: 'alice', method: 'DELETE', route: '/tokens', result: 'error' });
  });

  it('ignores values the API would refuse, and sends local times as ISO timestamps', () => {
    const f = filtersFromSearch('?method=HACK&result=maybe&page=-4&from=2026-03-01T10:00&to=nonsense');
    expect(f.page).toBe(1);
    const q = queryFromFilters(f);
    expect(q.method).toBeUndefined();
    expect(q.result).toBeUndefined();
    expect(q.to).toBeUndefined();
    expect(q.from).toBe(new Date('2026-03-01T10:00').toISOString());
  });
});
