// The VNC console's controls. Key buttons act only on a live session; Reconnect always works
// (it asks for a new ticket).
import { useState } from 'react';
import { comboEvents, KEY_COMBOS, textEvents, type KeyEvent } from './key-input.ts';
import { PasteDialog } from './paste-dialog.tsx';

export type VncScale = 'fit' | 'native';

export interface VncToolbarProps {
  connected: boolean;
  scale: VncScale;
  viewOnly: boolean;
  onSendKeys(events: KeyEvent[]): void;
  onCtrlAltDel(): void;
  onScale(scale: VncScale): void;
  onViewOnly(viewOnly: boolean): void;
  onFullscreen(): void;
  onReconnect(): void;
}

export function VncToolbar(p: VncToolbarProps) {
  const [pasting, setPasting] = useState(false);
  const keysOff = !p.connected || p.viewOnly;
  return (
    <div className="toolbar console-toolbar" role="toolbar" aria-label="VNC console">
      <button type="button" id="vnc-ctrl-alt-del" disabled={keysOff} onClick={p.onCtrlAltDel}>Ctrl+Alt+Del</button>
      <select id="vnc-send-keys" aria-label="Send keys" value="" disabled={keysOff} onChange={(e) => {
        const combo = KEY_COMBOS.find((c) => c.id === e.target.value);
        if (combo) p.onSendKeys(comboEvents(combo.keys));
      }}>
        <option value="" disabled>Send keys…</option>
        {KEY_COMBOS.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
      </select>
      <button type="button" id="vnc-paste" disabled={keysOff} onClick={() => setPasting(true)}>Type text…</button>
      <button type="button" id="vnc-scale" aria-pressed={p.scale === 'fit'} title="Fit the screen to the window, or show it 1:1"
        onClick={() => p.onScale(p.scale === 'fit' ? 'native' : 'fit')}>
        {p.scale === 'fit' ? 'Scale: fit' : 'Scale: 1:1'}
      </button>
      <label className="checkbox">
        <input type="checkbox" id="vnc-view-only" checked={p.viewOnly} onChange={(e) => p.onViewOnly(e.target.checked)} /> View only
      </label>
      <button type="button" id="vnc-fullscreen" onClick={p.onFullscreen}>Full screen</button>
      <button type="button" id="console-reconnect" onClick={p.onReconnect}>Reconnect</button>
      {pasting && <PasteDialog onClose={() => setPasting(false)} onType={(text) => {
        setPasting(false);
        p.onSendKeys(textEvents(text));
      }} />}
    </div>
  );
}
