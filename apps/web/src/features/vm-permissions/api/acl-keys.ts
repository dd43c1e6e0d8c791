// Grants and users, as the VM page's Permissions tab caches them (under ['acl'] and ['users']).
export const aclKeys = {
  grants: () => ['acl', 'grants'] as const,
  users: () => ['users', 'list'] as const,
};
