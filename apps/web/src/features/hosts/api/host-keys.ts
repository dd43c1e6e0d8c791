export const hostKeys = {
  all: ['hosts'] as const,
  list: () => ['hosts', 'list'] as const,
  readiness: (hostId: string) => ['hosts', 'readiness', hostId] as const,
  load: (hostId: string) => ['hosts', 'load', hostId] as const,
};
