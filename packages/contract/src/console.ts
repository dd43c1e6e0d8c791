// The console: a ticket from the REST API, then a WebSocket on the same origin and port.
//
//   POST /api/v1/vms/:vmId/console {kind} → {ticket, path, expiresAt}
//   GET  <path> (WebSocket upgrade), path = /api/v1/vms/:vmId/console/{vnc|serial}?ticket=…
//
// A ticket is single use, valid for CONSOLE_TICKET_TTL_S seconds, bound to the user and the
// session or token that asked for it, the VM and the kind; the upgrade must carry the same
// credentials. VNC sockets carry RFB in binary frames (the proxy has done VNC authentication
// with QEMU and offers the browser security type None); serial sockets carry text frames.
import { z } from 'zod';
import { defineRoute } from './route.ts';
import { TimestampSchema, UuidSchema } from './common.ts';

export const CONSOLE_KINDS = ['vnc', 'serial'] as const;
export const ConsoleKindSchema = z.enum(CONSOLE_KINDS);
export type ConsoleKind = z.infer<typeof ConsoleKindSchema>;

export const CONSOLE_TICKET_TTL_S = 30;

/**
 * Close codes and reasons a console socket ends with (besides ws's own 1009 for an oversized
 * frame): clients show the reason.
 */
export const CONSOLE_CLOSE = {
  vmStopped: { code: 4000, reason: 'vm-stopped' },
  sessionEnded: { code: 4001, reason: 'session-ended' },
  consoleEnded: { code: 4002, reason: 'console-ended' },
  serverClosing: { code: 1001, reason: 'server-closing' },
} as const;

export const ConsoleRequestSchema = z.strictObject({ kind: ConsoleKindSchema }).meta({ id: 'ConsoleRequest' });
export type ConsoleRequest = z.infer<typeof ConsoleRequestSchema>;

export const ConsoleTicketSchema = z.object({
  /** 32 random bytes, base64url: put it in the WebSocket URL once, never store it. */
  ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  /** The WebSocket path with the ticket, relative to the API's origin. */
  path: z.string(),
  expiresAt: TimestampSchema,
}).meta({ id: 'ConsoleTicket' });
export type ConsoleTicket = z.infer<typeof ConsoleTicketSchema>;

export const consoleRoutes = {
  openConsole: defineRoute({
    method: 'POST', path: '/vms/:vmId/console', summary: 'Get a single-use ticket for the VM\'s VNC or serial console WebSocket', tags: ['vms'],
    permission: { kind: 'privilege', privilege: 'vm.console', scope: '/vms/:vmId' },
    params: z.strictObject({ vmId: UuidSchema }), body: ConsoleRequestSchema,
    responses: { 201: ConsoleTicketSchema },
  }),
};
