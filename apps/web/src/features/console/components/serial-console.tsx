// A VM's serial console: xterm.js over Ferry's console WebSocket, text both ways (the server
// reads the guest's serial port through a libvirt stream). Loaded lazily like the VNC console.
import { useCallback, useEffect, useRef } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import '@xterm/xterm/css/xterm.css';
import type { AttachViewer } from './console-connection.ts';
import { ConsoleStatusText } from './console-status.tsx';
import { useConsoleConnection } from './use-console-connection.ts';

export default function SerialConsole({ vmId }: { vmId: string }) {
  const host = useRef<HTMLDivElement>(null);
  const term = useRef<{ terminal: Terminal; fit: FitAddon } | null>(null);

  // One terminal for the component's life: a reconnect continues the same scrollback.
  useEffect(() => {
    const terminal = new Terminal({ convertEol: false, cursorBlink: true, scrollback: 5000, fontSize: 14 });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    terminal.open(host.current!);
    fit.fit();
    term.current = { terminal, fit };
    const resize = new ResizeObserver(() => fit.fit());
    resize.observe(host.current!);
    return () => {
      resize.disconnect();
      term.current = null;
      terminal.dispose();
    };
  }, []);

  const attach = useCallback<AttachViewer>((ws, report) => {
    const t = term.current;
    if (!t) return () => {};
    ws.binaryType = 'arraybuffer';
    const decoder = new TextDecoder();
    const onOpen = () => {
      report.connected();
      t.terminal.focus();
    };
    // Text frames as they are; binary ones are UTF-8 that may split a character across frames.
    const onMessage = (m: MessageEvent) => {
      t.terminal.write(typeof m.data === 'string' ? m.data : decoder.decode(m.data as ArrayBuffer, { stream: true }));
    };
    ws.addEventListener('open', onOpen);
    ws.addEventListener('message', onMessage);
    const typed = t.terminal.onData((data) => {
      if (ws.readyState === 1) ws.send(data);
    });
    return () => {
      typed.dispose();
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('message', onMessage);
    };
  }, []);
  const { status, reconnect } = useConsoleConnection(vmId, 'serial', attach);

  return (
    <div className="console serial-console" data-testid="serial-console" data-state={status.state}>
      <div className="console-bar">
        <ConsoleStatusText status={status} />
        <div className="toolbar console-toolbar" role="toolbar" aria-label="Serial console">
          <button type="button" id="console-reconnect" onClick={reconnect}>Reconnect</button>
        </div>
      </div>
      <div className="serial-screen" ref={host} data-testid="serial-screen" />
    </div>
  );
}
