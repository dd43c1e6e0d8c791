// The frame's way into the Administration area: to Users for those who manage them, else to
// the caller's own API tokens (the one section everyone has).
import { Link } from '../../../lib/router.tsx';
import { ADMIN_PATHS, useAdminAccess } from '../admin-access.ts';

export function AdminLink() {
  const access = useAdminAccess();
  return <Link to={access.manageUsers ? ADMIN_PATHS.users : ADMIN_PATHS.tokens} id="nav-admin">Administration</Link>;
}
