// Text to type into the guest. A textarea rather than navigator.clipboard: reading the
// clipboard needs a permission prompt (and a secure context), pasting into a field needs none.
import { useState } from 'react';
import { Dialog } from '../../../components/dialog.tsx';

export function PasteDialog({ onType, onClose }: { onType: (text: string) => void; onClose: () => void }) {
  const [text, setText] = useState('');
  return (
    <Dialog title="Type text into the guest" onClose={onClose} testId="vnc-paste-dialog" footer={<>
      <button type="button" onClick={onClose}>Cancel</button>
      <button type="button" id="vnc-paste-type" className="primary" disabled={text === ''} onClick={() => onType(text)}>Type it</button>
    </>}>
      <p className="muted">Each character is sent as a key press (US keyboard layout), so this works at a login prompt too.</p>
      <textarea id="vnc-paste-text" aria-label="Text to type" rows={6} cols={60} autoFocus value={text}
        onChange={(e) => setText(e.target.value)} />
    </Dialog>
  );
}
