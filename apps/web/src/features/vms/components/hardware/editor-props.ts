import type { VmDetail } from '@ferry/contract';
import type { EditResult } from '../../api/edit-vm.ts';

/** What the hardware tab hands each editor dialog. */
export interface EditorProps {
  vm: VmDetail;
  onClose: () => void;
  /** The edit succeeded: what applied now and what waits for the next boot. */
  onDone: (r: EditResult) => void;
  /** Refetch the VM and refill the form (after STALE_DIGEST). */
  onReload: () => void;
}
