// A VM's graphical console: noVNC drawing into a canvas over Ferry's console WebSocket. The
// server's proxy does the VNC password itself and offers the browser security type None, so no
// credentials ever reach the page. Loaded lazily (default export): noVNC stays out of the
// bundle every other page loads.
import { useCallback, useEffect, useRef, useState } from 'react';
import RFB from '@novnc/novnc';
import type { AttachViewer } from './console-connection.ts';
import { ConsoleStatusText } from './console-status.tsx';
import type { KeyEvent } from './key-input.ts';
import { useConsoleConnection } from './use-console-connection.ts';
import { VncToolbar, type VncScale } from './vnc-toolbar.tsx';

interface SecurityFailure {
  status?: number;
  reason?: string;
}

export default function VncConsole({ vmId }: { vmId: string }) {
  const frame = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB | null>(null);
  const [scale, setScale] = useState<VncScale>('fit');
  const [viewOnly, setViewOnly] = useState(false);
  // A reconnect starts with the settings of the moment, not those of the first render.
  const settings = useRef({ scale, viewOnly });
  settings.current = { scale, viewOnly };

  const attach = useCallback<AttachViewer>((ws, report) => {
    const r = new RFB(screen.current!, ws, { shared: true });
    let ended = false;
    r.scaleViewport = settings.current.scale === 'fit';
    r.viewOnly = settings.current.viewOnly;
    r.background = '#000';
    r.addEventListener('connect', () => {
      report.connected();
      // Keys go to the guest at once; without preventScroll the page would jump to the canvas.
      r.focus({ preventScroll: true });
    });
    r.addEventListener('disconnect', () => { ended = true; });
    r.addEventListener('securityfailure', (e) => {
      const d = (e as CustomEvent<SecurityFailure>).detail;
      report.failed(`VNC security failure: ${d.reason || `status ${d.status}`}`);
    });
    rfb.current = r;
    return () => {
      rfb.current = null;
      // noVNC logs a bad state transition when told to disconnect twice.
      if (!ended) r.disconnect();
    };
  }, []);
  const { status, reconnect } = useConsoleConnection(vmId, 'vnc', attach);

  useEffect(() => {
    if (rfb.current) rfb.current.scaleViewport = scale === 'fit';
  }, [scale]);
  useEffect(() => {
    if (rfb.current) rfb.current.viewOnly = viewOnly;
  }, [viewOnly]);

  const send = (events: KeyEvent[]) => {
    const r = rfb.current;
    if (!r) return;
    for (const e of events) r.sendKey(e.keysym, e.code, e.down);
    r.focus({ preventScroll: true });
  };

  return (
    <div className="console vnc-console" data-testid="vnc-console" data-state={status.state} data-scale={scale} ref={frame}>
      <div className="console-bar">
        <ConsoleStatusText status={status} />
        <VncToolbar connected={status.state === 'connected'} scale={scale} viewOnly={viewOnly}
          onSendKeys={send} onCtrlAltDel={() => { rfb.current?.sendCtrlAltDel(); rfb.current?.focus({ preventScroll: true }); }}
          onScale={setScale} onViewOnly={setViewOnly} onReconnect={reconnect}
          onFullscreen={() => void frame.current?.requestFullscreen().catch(() => {
            // Refused by the browser (settings, no user gesture): there is nothing to undo.
          })} />
      </div>
      <div className={`vnc-screen vnc-${scale}`} ref={screen} data-testid="vnc-screen" />
    </div>
  );
}
