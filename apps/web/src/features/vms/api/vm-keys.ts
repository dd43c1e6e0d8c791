// Query keys of the VM feature: every cache entry about VMs lives under ['vms'].
export const vmKeys = {
  all: ['vms'] as const,
  list: () => ['vms', 'list'] as const,
  detail: (vmId: string) => ['vms', 'detail', vmId] as const,
};
