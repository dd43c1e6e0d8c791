// The dashboard end to end, against a real Ferry on a real libvirtd (qemu:///system): sign in,
// see the host, create a VM through the wizard (no disk; Ferry picks KVM or TCG), see it in the
// list and the tree, start it and watch it turn running (live over the event stream when it is
// up, else by the fallback polling), stop it, watch a `virsh start` arrive without a reload,
// delete it, lose the session and come back to the same page, sign out. Screenshots of each
// key screen go to e2e/screenshots/. Domains are named ferry-test-web-* and always removed.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, collectPageErrors, launchBrowser, screenshot } from './support/browser.ts';
import { newVmName, removeDomains, virsh } from './support/domains.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const missing = chromiumMissing();
if (missing) console.log(`[e2e] skipped: ${missing}`);

describe.skipIf(missing !== null)('the dashboard, end to end', () => {
  let ferry: FerryServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const name = newVmName();
  let vmId = '';
  let live = false;

  beforeAll(async () => {
    buildWeb();
    await removeDomains();
    ferry = await startFerry();
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    errors = collectPageErrors(page);
  });

  afterAll(async () => {
    const removed = await removeDomains().catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    if (removed.length) console.log(`[e2e] removed leftover domains: ${removed.join(', ')}`);
    await browser?.close();
    await ferry?.stop();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const file = await screenshot(page, `failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => '');
    // The server's own view of the tasks, through the page's session: tells a task that never
    // ended from a dashboard that never heard it end.
    const tasks = await page.evaluate(async () => (await fetch('/api/v1/tasks')).text()).catch((e: unknown) => String(e));
    console.log(`[e2e] failed at ${page.url()}; screenshot ${file}\n[e2e] server tasks: ${tasks.slice(0, 3000)}\n[e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  const vmBadge = () => page.locator('[data-testid=vm-detail] [data-testid=vm-state]').first();

  it('signs in and shows the host connected', async () => {
    await page.goto(ferry.baseUrl);
    await page.locator('#login-username').waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await screenshot(page, '01-login');
    await page.fill('#login-username', 'admin');
    await page.fill('#login-password', ADMIN_PASSWORD);
    await page.click('#login-submit');
    await page.locator('[data-testid=dc-host][data-state=connected]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('[data-testid=connection-indicator]').getAttribute('data-status'), { timeout: 10_000 })
      .not.toBe('connecting');
    live = (await page.locator('[data-testid=connection-indicator]').getAttribute('data-status')) === 'live';
    console.log(`[e2e] event stream: ${live ? 'live' : 'offline (the UI polls instead)'}`);
    expect(await page.locator('[data-testid=current-user]').textContent()).toBe('admin');
    await screenshot(page, '02-datacenter');
  });

  it('creates a VM through the wizard', async () => {
    await page.click('#create-vm-button');
    await page.fill('#wizard-name', name);
    await page.click('#wizard-next');
    await page.check('#wizard-disk-none');
    await page.click('#wizard-review');
    const summary = page.locator('[data-testid=wizard-summary]');
    await expect.poll(() => summary.textContent()).toContain(name);
    expect(await summary.textContent()).toMatch(/System disk\s*none/);
    await screenshot(page, '03-wizard-confirm');
    await page.click('#wizard-create');
    await page.waitForURL(/\/vms\/[0-9a-f-]{36}$/);
    vmId = new URL(page.url()).pathname.split('/')[2]!;
    await page.locator('[data-testid=vm-detail] h1', { hasText: name }).waitFor({ timeout: 30_000 });
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=shutoff]').waitFor();
    expect(await page.locator('[data-testid=vm-summary]').textContent()).toMatch(/KVM \(hardware\)|TCG \(emulated/);
    await screenshot(page, '04-vm-summary');
    await page.click('[data-testid=tab-hardware]');
    await page.locator('[data-testid=vm-hardware]').waitFor();
    expect(await page.locator('[data-testid=hw-disk]').count()).toBe(0);
    await screenshot(page, '05-vm-hardware');
  });

  it('shows the new VM in the list and in the tree', async () => {
    await page.click('#nav-vms');
    const row = page.locator(`[data-testid=vm-row][data-vm-id="${vmId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-vm-name')).toBe(name);
    expect(await row.getAttribute('data-state')).toBe('shutoff');
    await page.locator(`[data-testid=tree-item][data-tree-id="vm:${vmId}"]`).waitFor();
    await screenshot(page, '06-vm-list');
  });

  it('starts the VM and sees it turn running', async () => {
    await page.locator(`[data-testid=vm-row][data-vm-id="${vmId}"] a`).click();
    await vmBadge().waitFor();
    const t0 = Date.now();
    await page.click('#vm-start');
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: 60_000 });
    console.log(`[e2e] start → running shown after ${Date.now() - t0} ms (${live ? 'event stream' : 'polling'})`);
    await page.locator(`[data-testid=tree-item][data-tree-id="vm:${vmId}"][data-state=running]`).waitFor();
    await page.locator('[data-testid=task-row][data-task-type="vm.start"][data-state=succeeded]').waitFor();
    await screenshot(page, '07-vm-running');
  });

  it('stops it after a confirmation', async () => {
    await page.click('#vm-stop');
    await page.locator('[data-testid=confirm-dialog]').waitFor();
    await screenshot(page, '08-stop-confirm');
    await page.click('[data-testid=confirm-button]');
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=shutoff]').waitFor({ timeout: 60_000 });
  });

  it('shows a start made outside Ferry (virsh) without a reload', async () => {
    const marker = await page.evaluate(() => {
      (window as unknown as { __noReload: boolean }).__noReload = true;
      return true;
    });
    await virsh('start', name);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: live ? 15_000 : 30_000 });
    await virsh('destroy', name);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=shutoff]').waitFor({ timeout: live ? 15_000 : 30_000 });
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(marker);
  });

  it('deletes the VM', async () => {
    await page.click('#vm-delete');
    await page.click('[data-testid=confirm-button]');
    await page.waitForURL(/\/vms$/);
    await page.locator(`[data-testid=vm-row][data-vm-id="${vmId}"]`).waitFor({ state: 'detached', timeout: 120_000 });
    await page.locator(`[data-testid=tree-item][data-tree-id="vm:${vmId}"]`).waitFor({ state: 'detached' });
    await page.locator('[data-testid=task-row][data-task-type="vm.delete"][data-state=succeeded]').waitFor({ timeout: 120_000 });
    expect(await virsh('list', '--all', '--name')).not.toContain(name);
    await screenshot(page, '09-after-delete');
  });

  it('sends an expired session to the login page and back to where it was', async () => {
    await page.goto(`${ferry.baseUrl}/hosts/local`);
    await page.locator('[data-testid=host-page]').waitFor();
    await context.clearCookies(); // the server no longer recognises this browser
    await page.waitForTimeout(2_500); // past the queries' 2 s staleTime: the next page asks the server
    // Whichever request meets the 401 first (this navigation, or a background refetch), the
    // login page says the session ended and remembers the page the user was on.
    await page.click('#nav-vms', { timeout: 1_000 }).catch(() => {});
    await page.locator('[data-testid=session-expired]').waitFor();
    const next = new URL(page.url()).searchParams.get('next')!;
    expect(['/vms', '/hosts/local']).toContain(next);
    await screenshot(page, '10-session-expired');
    await page.fill('#login-username', 'admin');
    await page.fill('#login-password', ADMIN_PASSWORD);
    await page.click('#login-submit');
    await page.waitForURL(`${ferry.baseUrl}${next}`);
    await page.locator('[data-testid=vm-table], [data-testid=empty-state], [data-testid=host-page]').first().waitFor();
  });

  it('switches to the dark theme and back', async () => {
    await page.click('#theme-button');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await screenshot(page, '11-dark-vm-list');
    await page.click('#theme-button');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
  });

  it('signs out', async () => {
    await page.click('#user-menu-button');
    await page.click('#logout-button');
    await page.locator('#login-username').waitFor();
    const me = await page.request.get(`${ferry.baseUrl}/api/v1/auth/me`);
    expect(me.status()).toBe(401);
    expect(errors, 'browser console errors').toEqual([]);
  });
});
