// The VM page's Console tab: the graphical (VNC) or serial console, each its own URL. The
// viewers are lazy chunks, fetched the first time this tab opens. A console needs a live guest:
// for any other state the tab explains that instead of connecting to be refused; when the VM
// stops under an open console the viewer unmounts, and it connects afresh once it runs again.
// Without vm.console on the VM it says so rather than asking for a ticket it would be refused.
import { lazy, Suspense } from 'react';
import type { ConsoleKind, VmDetail } from '@ferry/contract';
import { Link } from '../../../lib/router.tsx';
import { useCanOnVm } from '../../auth/can.ts';

const VncConsole = lazy(() => import('./vnc-console.tsx'));
const SerialConsole = lazy(() => import('./serial-console.tsx'));

// A paused guest still has a screen to show (frozen) and a serial port to attach to.
const LIVE_STATES: readonly VmDetail['state'][] = ['running', 'paused'];

export function VmConsoleTab({ vm, kind }: { vm: VmDetail; kind: ConsoleKind }) {
  const live = LIVE_STATES.includes(vm.state);
  const mayConnect = useCanOnVm(vm)('vm.console');
  return (
    <div className="console-tab" data-testid="vm-console" data-kind={kind}>
      <nav className="console-kinds" aria-label="Console kind">
        <Link to={`/vms/${vm.id}/console`} id="console-kind-vnc" aria-current={kind === 'vnc' ? 'page' : undefined}>Graphical (VNC)</Link>
        <Link to={`/vms/${vm.id}/console/serial`} id="console-kind-serial" aria-current={kind === 'serial' ? 'page' : undefined}>Serial</Link>
      </nav>
      {!mayConnect
        ? <p className="muted" data-testid="console-forbidden">Opening this VM's console needs the vm.console privilege on it, which your roles do not include.</p>
        : !live
        ? <p className="muted" data-testid="console-unavailable">The console is available while the VM is running; it is {vm.state} now. Start it to connect.</p>
        : (
          <Suspense fallback={<p className="muted" data-testid="console-loading">Loading the console…</p>}>
            {kind === 'vnc' ? <VncConsole vmId={vm.id} /> : <SerialConsole vmId={vm.id} />}
          </Suspense>
        )}
    </div>
  );
}
