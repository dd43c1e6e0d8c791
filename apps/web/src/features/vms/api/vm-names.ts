// Names of every VM this page has seen, so that a task still names its VM after the VM is
// deleted (tasks carry only the VM's id). Lives as long as the page.
const names = new Map<string, string>();

export function rememberVmNames(vms: readonly { id: string; name: string }[] | undefined): void {
  for (const v of vms ?? []) names.set(v.id, v.name);
}

export const vmName = (id: string): string | undefined => names.get(id);
