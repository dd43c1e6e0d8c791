import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { comboEvents, KEY_COMBOS, textEvents } from './key-input.ts';
import { VncToolbar, type VncToolbarProps } from './vnc-toolbar.tsx';

afterEach(cleanup);

function renderToolbar(over: Partial<VncToolbarProps> = {}) {
  const props: VncToolbarProps = {
    connected: true, scale: 'fit', viewOnly: false,
    onSendKeys: vi.fn(), onCtrlAltDel: vi.fn(), onScale: vi.fn(), onViewOnly: vi.fn(), onFullscreen: vi.fn(), onReconnect: vi.fn(),
    ...over,
  };
  render(<VncToolbar {...props} />);
  return props;
}

// Every control here has `disabled` and `value`; the input type is the widest of them.
const byId = (id: string) => document.getElementById(id) as HTMLInputElement;

describe('the VNC toolbar', () => {
  it('sends a chosen key combination and is ready for the next one', () => {
    const p = renderToolbar();
    fireEvent.change(byId('vnc-send-keys'), { target: { value: 'ctrl-alt-f1' } });
    expect(p.onSendKeys).toHaveBeenCalledWith(comboEvents(KEY_COMBOS[0]!.keys));
    expect(byId('vnc-send-keys').value).toBe('');
  });

  it('types pasted text as keystrokes', () => {
    const p = renderToolbar();
    fireEvent.click(byId('vnc-paste'));
    expect(byId('vnc-paste-type').disabled).toBe(true);
    fireEvent.change(byId('vnc-paste-text'), { target: { value: 'Root\n' } });
    fireEvent.click(byId('vnc-paste-type'));
    expect(p.onSendKeys).toHaveBeenCalledWith(textEvents('Root\n'));
    expect(screen.queryByTestId('vnc-paste-dialog')).toBeNull();
  });

  it('sends no keys before it is connected, or in view-only mode, but can always reconnect', () => {
    for (const over of [{ connected: false }, { viewOnly: true }]) {
      const p = renderToolbar(over);
      expect(byId('vnc-ctrl-alt-del').disabled).toBe(true);
      expect(byId('vnc-send-keys').disabled).toBe(true);
      expect(byId('vnc-paste').disabled).toBe(true);
      fireEvent.click(byId('console-reconnect'));
      expect(p.onReconnect).toHaveBeenCalledTimes(1);
      cleanup();
    }
  });

  it('toggles scaling between fit and 1:1, and view-only', () => {
    const p = renderToolbar();
    expect(byId('vnc-scale').textContent).toBe('Scale: fit');
    fireEvent.click(byId('vnc-scale'));
    expect(p.onScale).toHaveBeenCalledWith('native');
    fireEvent.click(byId('vnc-view-only'));
    expect(p.onViewOnly).toHaveBeenCalledWith(true);
    fireEvent.click(byId('vnc-ctrl-alt-del'));
    expect(p.onCtrlAltDel).toHaveBeenCalledTimes(1);
  });
});
