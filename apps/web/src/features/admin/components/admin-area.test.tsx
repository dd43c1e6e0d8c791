import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, screen } from '@testing-library/react';
import type { Role } from '@ferry/contract';
import { mockFetch } from '../../../testing/fetch-mock.ts';
import { renderWithClient } from '../../../testing/render.tsx';
import { meWith } from '../admin-fixtures.ts';
import { AdminArea } from './admin-area.tsx';
import type { AdminSection } from '../admin-access.ts';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function setup(role: Role, section: AdminSection) {
  mockFetch({
    'GET /api/v1/auth/me': { body: meWith(role) },
    'GET /api/v1/tokens': { body: { items: [] } },
    'GET /api/v1/users': { body: { items: [] } },
    'GET /api/v1/acl': { body: { items: [] } },
    'GET /api/v1/audit': { body: { items: [], total: 0, limit: 50, offset: 0 } },
  });
  renderWithClient(<AdminArea section={section} />);
}

const tabs = () => screen.getAllByRole('tab').map((t) => t.textContent);

describe('the Administration area', () => {
  it('shows an administrator every section, users first', async () => {
    setup('Administrator', 'users');
    await screen.findByTestId('users-page');
    expect(tabs()).toEqual(['Users', 'Permissions', 'API tokens', 'Audit log']);
  });

  it('shows an operator only their tokens, and refuses the other sections in words', async () => {
    setup('Operator', 'tokens');
    await screen.findByTestId('tokens-page');
    expect(tabs()).toEqual(['API tokens']);
    cleanup();
    setup('Operator', 'audit');
    await screen.findByText('Not available to you');
    expect(screen.queryByTestId('audit-page')).toBeNull();
  });

  it('shows an auditor the audit log but not users', async () => {
    setup('Auditor', 'audit');
    await screen.findByTestId('audit-page');
    expect(tabs()).toEqual(['API tokens', 'Audit log']);
  });
});
