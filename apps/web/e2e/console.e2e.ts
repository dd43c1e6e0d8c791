// The VM consoles in Chromium against a real Ferry, libvirtd and the tiny guest: a stopped VM
// explains itself; started from the page, the serial console receives the boot log (of a reset
// made while it is attached) and answers a typed command; the VNC console shows the guest's screen (screenshots in e2e/screenshots/),
// and typing `root` + Enter changes its pixels; text typed through the paste dialog reaches the
// guest with its capitals and shifted symbols intact (the guest echoes it to its serial port,
// where the serial console reads it); Send keys sends Ctrl+C; scaling and full
// screen work; Reconnect asks for a new ticket; a stopped VM ends both.
// Both pages run under the server's real CSP, so a blocked socket or script fails the test.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, collectPageErrors, launchBrowser, screenshot, signIn } from './support/browser.ts';
import { newVmName, removeDomains, virsh } from './support/domains.ts';
import { createTinyVm, signInAdmin, type TinyVm } from './support/tiny-vm.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const missing = chromiumMissing();
if (missing) console.log(`[e2e] skipped: ${missing}`);

/** The visible rows of the xterm.js terminal, as text. */
const terminalText = (page: Page) => page.locator('[data-testid=serial-screen] .xterm-rows').innerText();

/** The noVNC canvas's pixels, summarized: how many are not black, and a hash of all of them. */
const canvasPixels = (page: Page) => page.locator('[data-testid=vnc-screen] canvas').evaluate((c: HTMLCanvasElement) => {
  const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
  let lit = 0;
  let hash = 0;
  for (let i = 0; i < data.length; i += 4) {
    if (data[i]! + data[i + 1]! + data[i + 2]! > 60) lit++;
    hash = (Math.imul(hash, 31) + data[i]! + (data[i + 1]! << 8) + (data[i + 2]! << 16)) | 0;
  }
  return { lit, hash, width: c.width, height: c.height };
});

describe.skipIf(missing !== null)('the VM consoles, end to end', () => {
  let ferry: FerryServer;
  let browser: Browser;
  let context: BrowserContext;
  let vnc: Page;
  let serial: Page;
  let vm: TinyVm;
  let vncErrors: string[] = [];
  let serialErrors: string[] = [];
  const ticketRequests: string[] = [];

  beforeAll(async () => {
    buildWeb();
    await removeDomains();
    ferry = await startFerry();
    vm = await createTinyVm(await signInAdmin(ferry.baseUrl), newVmName());
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    context.on('request', (r) => {
      if (r.method() === 'POST' && /\/api\/v1\/vms\/[^/]+\/console$/.test(new URL(r.url()).pathname)) ticketRequests.push(r.url());
    });
    vnc = await context.newPage();
    vnc.setDefaultTimeout(20_000);
    vncErrors = collectPageErrors(vnc);
    await signIn(vnc, ferry.baseUrl, ADMIN_PASSWORD);
    await vnc.locator('[data-testid=dc-host][data-state=connected]').waitFor({ timeout: 30_000 });
    serial = await context.newPage();
    serial.setDefaultTimeout(20_000);
    serialErrors = collectPageErrors(serial);
  });

  afterAll(async () => {
    const removed = await removeDomains().catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    if (removed.length) console.log(`[e2e] removed domains: ${removed.join(', ')}`);
    await vm?.removePool();
    await browser?.close();
    await ferry?.stop();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [label, page] of [['vnc', vnc], ['serial', serial]] as const) {
      if (page) console.log(`[e2e] failed; ${label} page at ${page.url()}: ${await screenshot(page, `failed-console-${label}`).catch(() => '')}`);
    }
    console.log(`[e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  it('explains that a stopped VM has no console', async () => {
    const res = await vnc.goto(`${ferry.baseUrl}/vms/${vm.vmId}/console`);
    // The policy the sockets must live with: ws: to this origin counts as 'self' in Chromium.
    expect(res?.headers()['content-security-policy']).toContain("connect-src 'self'");
    await vnc.locator('[data-testid=console-unavailable]').waitFor();
    expect(await vnc.locator('[data-testid=console-unavailable]').textContent()).toContain('shutoff');
    expect(ticketRequests).toHaveLength(0);
  });

  it('connects the serial console when the VM starts, and receives the boot log', async () => {
    await serial.goto(`${ferry.baseUrl}/vms/${vm.vmId}/console/serial`);
    await serial.locator('[data-testid=console-unavailable]').waitFor();
    await serial.click('#vm-start');
    await serial.locator('[data-testid=serial-console] [data-testid=console-status][data-state=connected]').waitFor({ timeout: 60_000 });
    // The first boot races the console's connect (a serial port keeps nothing for a late
    // reader). Once it is over — getty prints its prompt again for an Enter — reset the guest
    // with the console attached: the whole next boot must arrive.
    await serial.click('[data-testid=serial-screen]');
    await expect.poll(async () => {
      if ((await terminalText(serial)).includes('login:')) return true;
      await serial.keyboard.press('Enter');
      return false;
    }, { timeout: 90_000, interval: 1000 }).toBe(true);
    const boots = async () => (await terminalText(serial)).match(/tinyguest: ready in [\d.]+s/g)?.length ?? 0;
    const before = await boots();
    await serial.click('#vm-reset');
    await serial.click('[data-testid=confirm-button]');
    await expect.poll(boots, { timeout: 90_000, interval: 500 }).toBe(before + 1);
    await expect.poll(() => terminalText(serial), { timeout: 30_000, interval: 500 }).toMatch(/tinyguest: ready in(?![\s\S]*tinyguest: ready in)[\s\S]*login:/);
    expect(await serial.locator('[data-testid=serial-console] [data-testid=console-status]').getAttribute('data-state')).toBe('connected');
    await screenshot(serial, 'console-serial-boot');
  });

  it('answers a command typed on the serial console', async () => {
    await serial.click('[data-testid=serial-screen]');
    await serial.keyboard.type('root');
    await serial.keyboard.press('Enter');
    await expect.poll(() => terminalText(serial), { timeout: 20_000, interval: 300 }).toMatch(/#\s*$/m);
    await serial.keyboard.type('echo serial-$((6*7))');
    await serial.keyboard.press('Enter');
    await expect.poll(() => terminalText(serial), { timeout: 20_000, interval: 300 }).toMatch(/^serial-42\s*$/m);
    await screenshot(serial, 'console-serial-command');
  });

  it('shows the guest\'s screen over VNC, and typing root + Enter changes it', async () => {
    await vnc.locator('[data-testid=vnc-console] [data-testid=console-status][data-state=connected]').waitFor({ timeout: 30_000 });
    // The login prompt is text on a black VGA console: wait until some of it is drawn.
    await expect.poll(async () => (await canvasPixels(vnc)).lit, { timeout: 30_000, interval: 500 }).toBeGreaterThan(500);
    const before = await canvasPixels(vnc);
    console.log(`[e2e] VNC screen ${before.width}×${before.height}, ${before.lit} lit pixels`);
    await screenshot(vnc, 'console-vnc-login');
    await vnc.click('[data-testid=vnc-screen] canvas');
    await vnc.keyboard.type('root');
    await vnc.keyboard.press('Enter');
    // The shell's banner lights thousands of pixels; a blinking cursor, a few dozen.
    await expect.poll(async () => (await canvasPixels(vnc)).lit, { timeout: 20_000, interval: 300 }).toBeGreaterThan(before.lit + 2000);
    await screenshot(vnc, 'console-vnc-after-root');
  });

  it('sends a key combination from the Send keys menu (Ctrl+C: the shell prints a new prompt)', async () => {
    const before = (await canvasPixels(vnc)).lit;
    await vnc.selectOption('#vnc-send-keys', 'ctrl-c');
    await expect.poll(async () => (await canvasPixels(vnc)).lit, { timeout: 20_000, interval: 300 }).toBeGreaterThan(before + 300);
    await screenshot(vnc, 'console-vnc-ctrl-c');
  });

  it('scales the screen to fit or shows it 1:1, and goes full screen', async () => {
    const canvasWidth = async () => (await vnc.locator('[data-testid=vnc-screen] canvas').boundingBox())!.width;
    const { width } = await canvasPixels(vnc);
    expect(await canvasWidth()).toBeGreaterThan(width * 1.2);
    await vnc.click('#vnc-scale');
    await expect.poll(canvasWidth).toBe(width);
    await vnc.click('#vnc-scale');
    await expect.poll(canvasWidth).toBeGreaterThan(width * 1.2);
    // Chromium grants full screen only to the tab in front (the serial page opened later).
    await vnc.bringToFront();
    await vnc.click('#vnc-fullscreen');
    await expect.poll(() => vnc.evaluate(() => (document.fullscreenElement as HTMLElement | null)?.dataset.testid)).toBe('vnc-console');
    await screenshot(vnc, 'console-vnc-fullscreen');
    await vnc.evaluate(() => document.exitFullscreen());
  });

  it('types pasted text as keystrokes, capitals and shifted symbols included', async () => {
    await vnc.click('#vnc-paste');
    await vnc.fill('#vnc-paste-text', 'echo "VNC-Paste:$((6*7))!" > /dev/ttyS0\n');
    await vnc.click('#vnc-paste-type');
    await expect.poll(() => terminalText(serial), { timeout: 20_000, interval: 300 }).toContain('VNC-Paste:42!');
    await screenshot(vnc, 'console-vnc-pasted');
  });

  it('reconnects with a new single-use ticket', async () => {
    const asked = ticketRequests.length;
    await vnc.click('[data-testid=vnc-console] #console-reconnect');
    await vnc.locator('[data-testid=vnc-console] [data-testid=console-status][data-state=connected]').waitFor({ timeout: 30_000 });
    expect(ticketRequests.length).toBe(asked + 1);
    await expect.poll(async () => (await canvasPixels(vnc)).lit, { timeout: 20_000, interval: 500 }).toBeGreaterThan(500);
  });

  it('ends both consoles when the VM stops, and says why', async () => {
    await virsh('destroy', vm.name);
    for (const page of [vnc, serial]) await page.locator('[data-testid=console-unavailable]').waitFor({ timeout: 30_000 });
    expect([...vncErrors, ...serialErrors]).toEqual([]);
  });
});
