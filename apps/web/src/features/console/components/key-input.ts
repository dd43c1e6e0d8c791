// Keys the VNC toolbar sends: fixed combinations (Ctrl-Alt-F1 …) and text pasted as keystrokes.
// RFB key events carry X11 keysyms; each also names the physical key (`code`) so a QEMU server
// with the extended key event can send the exact scancode. Pasted text is typed, not put on a
// clipboard: a guest at a login prompt or in a BIOS has no clipboard agent.
//
// Keysyms name symbols, but QEMU turns them into scancodes through a keymap and sends no Shift
// of its own: 'A' alone arrives as 'a'. So a character that needs Shift on a US layout (the
// guest's usual one) is sent with Shift held around it.

export const XK = {
  BackSpace: 0xff08, Tab: 0xff09, Return: 0xff0d, Escape: 0xff1b, Delete: 0xffff,
  Shift_L: 0xffe1, Control_L: 0xffe3, Alt_L: 0xffe9, F1: 0xffbe,
} as const;

export interface Key {
  keysym: number;
  code: string;
}

const CTRL: Key = { keysym: XK.Control_L, code: 'ControlLeft' };
const ALT: Key = { keysym: XK.Alt_L, code: 'AltLeft' };
const SHIFT: Key = { keysym: XK.Shift_L, code: 'ShiftLeft' };
const fKey = (n: number): Key => ({ keysym: XK.F1 + n - 1, code: `F${n}` });

export interface KeyCombo {
  id: string;
  label: string;
  /** Pressed in order, released in reverse. */
  keys: Key[];
}

export const KEY_COMBOS: readonly KeyCombo[] = [
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => ({ id: `ctrl-alt-f${n}`, label: `Ctrl+Alt+F${n}`, keys: [CTRL, ALT, fKey(n)] })),
  { id: 'tab', label: 'Tab', keys: [{ keysym: XK.Tab, code: 'Tab' }] },
  { id: 'esc', label: 'Esc', keys: [{ keysym: XK.Escape, code: 'Escape' }] },
  { id: 'ctrl-c', label: 'Ctrl+C', keys: [CTRL, { keysym: 0x63, code: 'KeyC' }] },
  { id: 'alt-tab', label: 'Alt+Tab', keys: [ALT, { keysym: XK.Tab, code: 'Tab' }] },
  { id: 'backspace', label: 'Backspace', keys: [{ keysym: XK.BackSpace, code: 'Backspace' }] },
];

export interface KeyEvent {
  keysym: number;
  code: string | null;
  down: boolean;
}

/** A combination as key events: every key down in order, then up in reverse. */
export function comboEvents(keys: readonly Key[]): KeyEvent[] {
  return [
    ...keys.map((k) => ({ keysym: k.keysym, code: k.code, down: true })),
    ...[...keys].reverse().map((k) => ({ keysym: k.keysym, code: k.code, down: false })),
  ];
}

// US layout: the symbols on a key's shifted side.
const SHIFTED = new Set('~!@#$%^&*()_+{}|:"<>?');

/**
 * One character's keysym, or null for what no key types (control characters other than the
 * line and tab ones). Latin-1 keysyms equal their code points; beyond it X11 uses 0x01000000
 * plus the code point.
 */
export function charKeysym(ch: string): number | null {
  if (ch === '\n' || ch === '\r') return XK.Return;
  if (ch === '\t') return XK.Tab;
  const cp = ch.codePointAt(0)!;
  if ((cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff)) return cp;
  if (cp > 0xff) return 0x01000000 + cp;
  return null;
}

export const needsShift = (ch: string): boolean => (ch >= 'A' && ch <= 'Z') || SHIFTED.has(ch);

/** Text as key events to type it; "\r\n" is one Enter. Characters no key types are skipped. */
export function textEvents(text: string): KeyEvent[] {
  const out: KeyEvent[] = [];
  for (const ch of text.replace(/\r\n/g, '\n')) {
    const keysym = charKeysym(ch);
    if (keysym === null) continue;
    const press = [{ keysym, code: null, down: true }, { keysym, code: null, down: false }];
    if (needsShift(ch)) out.push({ ...SHIFT, down: true }, ...press, { ...SHIFT, down: false });
    else out.push(...press);
  }
  return out;
}
