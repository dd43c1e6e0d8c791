import { Logo } from '../../components/icons.tsx';
import { Link } from '../../lib/router.tsx';
import { setTheme, useTheme } from '../../lib/theme.ts';
import { AdminLink } from '../../features/admin/components/admin-link.tsx';
import { needs, useCan } from '../../features/auth/can.ts';
import { openCreateWizard } from '../../features/vms/components/create-wizard/wizard-store.ts';
import { ConnectionIndicator } from './connection-indicator.tsx';
import { UserMenu } from './user-menu.tsx';

export function TopBar() {
  const theme = useTheme();
  // POST /vms needs vm.create on `/`.
  const mayCreate = useCan('vm.create');
  return (
    <header className="top-bar">
      <Link to="/" className="brand" aria-label="Ferry: datacenter overview"><Logo /> Ferry</Link>
      <nav aria-label="Main" className="top-nav">
        <Link to="/vms" id="nav-vms">Virtual machines</Link>
        <AdminLink />
      </nav>
      <span className="spacer" />
      <button type="button" id="create-vm-button" className="primary" disabled={!mayCreate} title={mayCreate ? undefined : needs('vm.create', '/')}
        onClick={() => openCreateWizard()}>Create VM</button>
      <ConnectionIndicator />
      <button type="button" className="icon-button" id="theme-button" aria-label={theme === 'dark' ? 'Switch to the light theme' : 'Switch to the dark theme'}
        onClick={() => setTheme(theme === 'dark' ? 'light' : 'dark')}>
        {theme === 'dark' ? '☀' : '☾'}
      </button>
      <UserMenu />
    </header>
  );
}
