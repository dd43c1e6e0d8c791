import { describe, expect, it } from 'vitest';
import { charKeysym, comboEvents, KEY_COMBOS, textEvents, XK } from './key-input.ts';

const press = (keysym: number) => [{ keysym, code: null, down: true }, { keysym, code: null, down: false }];
const shifted = (keysym: number) => [
  { keysym: XK.Shift_L, code: 'ShiftLeft', down: true }, ...press(keysym), { keysym: XK.Shift_L, code: 'ShiftLeft', down: false },
];

describe('text typed into the guest', () => {
  it('types a login: lower case as is, Enter for the newline', () => {
    expect(textEvents('root\n')).toEqual([...press(0x72), ...press(0x6f), ...press(0x6f), ...press(0x74), ...press(XK.Return)]);
  });

  it('holds Shift around capitals and shifted symbols (QEMU adds none itself)', () => {
    expect(textEvents('aB!1')).toEqual([...press(0x61), ...shifted(0x42), ...shifted(0x21), ...press(0x31)]);
    expect(textEvents('"~|')).toEqual([...shifted(0x22), ...shifted(0x7e), ...shifted(0x7c)]);
  });

  it('sends one Enter for a Windows line end, and Tab for a tab', () => {
    expect(textEvents('a\r\nb\tc')).toEqual([...press(0x61), ...press(XK.Return), ...press(0x62), ...press(XK.Tab), ...press(0x63)]);
  });

  it('maps Latin-1 to its own keysym and the rest of Unicode to 0x01000000 + code point', () => {
    expect(charKeysym('é')).toBe(0xe9);
    expect(charKeysym('€')).toBe(0x010020ac);
    expect(charKeysym('😀')).toBe(0x0101f600);
    expect(textEvents('😀')).toHaveLength(2);
  });

  it('skips control characters no key types', () => {
    expect(charKeysym('\u0007')).toBeNull();
    expect(textEvents('a\u0000\u001bb')).toEqual([...press(0x61), ...press(0x62)]);
  });
});

describe('key combinations', () => {
  it('presses in order and releases in reverse, naming the physical keys', () => {
    const f2 = KEY_COMBOS.find((c) => c.id === 'ctrl-alt-f2')!;
    expect(comboEvents(f2.keys)).toEqual([
      { keysym: XK.Control_L, code: 'ControlLeft', down: true },
      { keysym: XK.Alt_L, code: 'AltLeft', down: true },
      { keysym: 0xffbf, code: 'F2', down: true },
      { keysym: 0xffbf, code: 'F2', down: false },
      { keysym: XK.Alt_L, code: 'AltLeft', down: false },
      { keysym: XK.Control_L, code: 'ControlLeft', down: false },
    ]);
  });

  it('offers Ctrl+Alt+F1 to F7 with the F keys\' keysyms, Tab and Esc', () => {
    const fKeys = KEY_COMBOS.filter((c) => c.id.startsWith('ctrl-alt-f')).map((c) => c.keys[2]!);
    expect(fKeys.map((k) => k.code)).toEqual(['F1', 'F2', 'F3', 'F4', 'F5', 'F6', 'F7']);
    expect(fKeys.map((k) => k.keysym)).toEqual([0xffbe, 0xffbf, 0xffc0, 0xffc1, 0xffc2, 0xffc3, 0xffc4]);
    expect(KEY_COMBOS.find((c) => c.id === 'esc')!.keys).toEqual([{ keysym: 0xff1b, code: 'Escape' }]);
    expect(KEY_COMBOS.find((c) => c.id === 'tab')!.keys).toEqual([{ keysym: 0xff09, code: 'Tab' }]);
  });
});
