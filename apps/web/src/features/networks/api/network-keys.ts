export const networkKeys = {
  all: ['networks'] as const,
  list: (hostId: string) => ['networks', 'list', hostId] as const,
  detail: (hostId: string, name: string) => ['networks', 'detail', hostId, name] as const,
};
