// The open hardware editor, by kind. A chunk of its own (hardware-editing.tsx loads it on the
// first click): the forms stay out of the initial JavaScript.
import { AddDiskDialog } from './add-disk-dialog.tsx';
import { BootOrderDialog } from './boot-order-dialog.tsx';
import { CpuDialog } from './cpu-dialog.tsx';
import type { Editing, HardwareEditing } from './hardware-editing.tsx';
import { MemoryDialog } from './memory-dialog.tsx';
import { NicDialog } from './nic-dialog.tsx';
import { RemoveDeviceDialog } from './remove-device-dialog.tsx';
import { ResizeDiskDialog } from './resize-disk-dialog.tsx';

export default function HardwareDialogSwitch({ hw, e }: { hw: HardwareEditing; e: Editing }) {
  const p = hw.props;
  const k = `${e.kind}-${hw.generation}`;
  switch (e.kind) {
    case 'cpu': return <CpuDialog key={k} {...p} />;
    case 'memory': return <MemoryDialog key={k} {...p} />;
    case 'boot': return <BootOrderDialog key={k} {...p} />;
    case 'disk-add': return <AddDiskDialog key={k} {...p} />;
    case 'disk-resize': return <ResizeDiskDialog key={k} {...p} target={e.target} />;
    case 'disk-detach': return <RemoveDeviceDialog key={k} {...p} device={{ kind: 'disk', target: e.target }} />;
    case 'nic-add': return <NicDialog key={k} {...p} />;
    case 'nic-edit': return <NicDialog key={k} {...p} mac={e.mac} />;
    case 'nic-remove': return <RemoveDeviceDialog key={k} {...p} device={{ kind: 'nic', mac: e.mac }} />;
  }
}
