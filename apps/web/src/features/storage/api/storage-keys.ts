export const storageKeys = {
  all: ['storage'] as const,
  pools: (hostId: string) => ['storage', 'pools', hostId] as const,
  volumes: (hostId: string, pool: string) => ['storage', 'volumes', hostId, pool] as const,
};
