// Administration, storage and hosts end to end, against a real Ferry on a real libvirtd
// (qemu:///system): upload the tiny guest's qcow2 into a pool of the test's own through the
// pool page (upload throttled so the progress bar is seen moving) and delete it again; add a
// host by URI (libvirt's test driver), read its readiness and capacity, remove it; create a
// user; as that user create an API token (secret shown once), prove it works with a plain
// fetch of /api/v1/auth/me, revoke it (401 afterwards); then find those actions in the audit
// log filtered by the user. Names start with ferry-test-web-; the pool and its directory are
// always removed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, collectPageErrors, launchBrowser, screenshot } from './support/browser.ts';
import { virsh } from './support/domains.ts';
import { signInAdmin, type AdminApi } from './support/tiny-vm.ts';
import { ensureTinyGuest } from '../../../scripts/tinyguest/tinyguest.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const run = promisify(execFile);
const missing = chromiumMissing();
if (missing) console.log(`[e2e] skipped: ${missing}`);

describe.skipIf(missing !== null)('administration, storage and hosts, end to end', () => {
  const tag = randomBytes(3).toString('hex');
  const pool = `ferry-test-web-pool-${tag}`;
  const volume = `ferry-test-web-${tag}.qcow2`;
  const username = `ferry-test-web-${tag}`;
  const userPassword = `pw-${randomBytes(8).toString('hex')}`;
  const hostName = `ferry-test-web-host-${tag}`;
  let dir = '';
  let ferry: FerryServer;
  let admin: AdminApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let userPage: Page | null = null;

  const removePool = async () => {
    await run('virsh', ['-c', 'qemu:///system', 'pool-destroy', pool]).catch(() => {});
    await run('virsh', ['-c', 'qemu:///system', 'pool-undefine', pool]).catch(() => {});
    if (dir) rmSync(dir, { recursive: true, force: true });
  };

  const signIn = async (p: Page, user: string, password: string) => {
    await p.goto(ferry.baseUrl);
    await p.locator('#login-username').waitFor();
    await p.fill('#login-username', user);
    await p.fill('#login-password', password);
    await p.click('#login-submit');
    await p.locator('[data-testid=datacenter-page]').waitFor({ timeout: 30_000 });
  };

  beforeAll(async () => {
    buildWeb();
    ferry = await startFerry();
    admin = await signInAdmin(ferry.baseUrl);
    // A pool of the test's own, under libvirt's images directory (as tiny-vm.ts makes them).
    dir = mkdtempSync('/var/lib/libvirt/images/ferry-test-web-');
    const created = await admin.call('POST', '/storage/pools', { name: pool, type: 'dir', path: dir });
    if (created.status !== 201) throw new Error(`pool not created: ${created.status} ${JSON.stringify(created.body)}`);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    errors = collectPageErrors(page);
  });

  afterAll(async () => {
    await removePool();
    await browser?.close();
    await ferry?.stop();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    for (const [p, who] of [[page, 'admin'], [userPage, 'user']] as const) {
      if (!p || p.isClosed()) continue;
      const file = await screenshot(p, `failed-admin-${who}-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => '');
      console.log(`[e2e] ${who} page at ${p.url()}; screenshot ${file}`);
    }
    console.log(`[e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  it('signs in as the administrator and opens the Administration area', async () => {
    await signIn(page, 'admin', ADMIN_PASSWORD);
    await page.click('#nav-admin');
    await page.locator('[data-testid=users-page]').waitFor();
    expect(await page.locator('[role=tab]').allTextContents()).toEqual(['Users', 'Permissions', 'API tokens', 'Audit log']);
  });

  it('uploads the tiny guest image into a pool, the progress bar going to done, and lists the volume', async () => {
    const image = await ensureTinyGuest();
    await page.goto(`${ferry.baseUrl}/storage/local/${pool}`);
    await page.locator('[data-testid=pool-page] [data-testid=empty-state]').waitFor();
    await page.click('#upload-button');
    await page.setInputFiles('#upload-file', image.qcow2);
    expect(await page.inputValue('#upload-format')).toBe('qcow2');
    await page.fill('#upload-name', volume);

    // On loopback 15 MB go up in a blink: throttle the upload (DevTools network emulation) so
    // the bar's steps can be seen, and record every value it shows.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 6 * 1024 * 1024 });
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __progress: string[] }).__progress = seen;
      new MutationObserver(() => {
        const v = document.querySelector('[role=progressbar][aria-label="Upload progress"]')?.getAttribute('aria-valuenow');
        if (v && seen.at(-1) !== v) seen.push(v);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.click('#upload-submit');
    await page.locator('[data-testid=upload-status][data-phase=sending]').waitFor();
    await page.waitForFunction(() => Number(document.querySelector('[data-testid=upload-percent]')?.textContent?.replace('%', '')) >= 30, null, { timeout: 30_000 }).catch(() => {});
    await screenshot(page, 'admin-01-upload-progress');
    await page.locator('[data-testid=upload-done]').waitFor({ timeout: 120_000 });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
    const steps = await page.evaluate(() => (window as unknown as { __progress: string[] }).__progress);
    console.log(`[e2e] upload progress shown: ${steps.join(' → ')}`);
    expect(steps.at(-1)).toBe('100');
    expect(steps.filter((s) => s !== '0' && s !== '100').length, 'intermediate progress values').toBeGreaterThan(0);
    expect(await page.locator('[data-testid=upload-done]').textContent()).toContain(volume);
    await screenshot(page, 'admin-02-upload-done');
    await page.click('#upload-close');
    await page.locator(`[data-testid=volume-row][data-volume="${volume}"]`).waitFor();
    expect(await virsh('vol-list', pool)).toContain(volume);
    const info = await virsh('vol-dumpxml', '--pool', pool, volume);
    expect(info).toContain("<format type='qcow2'/>");
    await page.locator('[data-testid=task-row][data-task-type="volume.upload"][data-state=succeeded]').waitFor();
    await screenshot(page, 'admin-03-pool-volumes');
  });

  it('deletes the volume after a confirmation', async () => {
    await page.click(`button[aria-label="Delete ${volume}"]`);
    await page.locator('[data-testid=confirm-dialog]').waitFor();
    await screenshot(page, 'admin-04-delete-volume-confirm');
    await page.click('[data-testid=confirm-button]');
    await page.locator(`[data-testid=volume-row][data-volume="${volume}"]`).waitFor({ state: 'detached' });
    expect(await virsh('vol-list', pool)).not.toContain(volume);
  });

  it('adds a host by URI, shows its readiness and capacity, and removes it', async () => {
    await page.click('.brand');
    await page.click('#add-host-button');
    await page.fill('#host-name', hostName);
    await page.fill('#host-uri', 'test:///default');
    await page.click('#host-form-submit');
    await page.waitForURL(new RegExp(`/hosts/${hostName}$`));
    await page.locator('[data-testid=host-state][data-state=connected]').waitFor({ timeout: 30_000 });
    // Asked again once connected: the report is about the host, not about "still connecting".
    await page.locator('[data-testid=readiness-check][data-check="libvirt.reachable"][data-status=pass]').waitFor();
    await page.locator('[data-testid=capacity-storage]').waitFor();
    await screenshot(page, 'admin-05-added-host');
    await page.click('#host-remove');
    await page.click('[data-testid=confirm-button]');
    await page.waitForURL(`${ferry.baseUrl}/`);
    await page.locator(`[data-testid=tree-item][data-tree-id="host:${hostName}"]`).waitFor({ state: 'detached' });
    // The real host's page: the readiness report with its fixes, and capacity from metrics.
    await page.goto(`${ferry.baseUrl}/hosts/local`);
    await page.locator('[data-testid=host-acceleration]').waitFor();
    await page.locator('[data-testid=capacity-cpu]').waitFor();
    await screenshot(page, 'admin-06-host-local');
    // The default network as the API describes it (mode, addresses, DHCP, leases), read-only here.
    await page.goto(`${ferry.baseUrl}/networks/local/default`);
    await page.locator('[data-testid=network-state]').waitFor();
    await page.locator('#network-stop, #network-start').first().waitFor();
    await screenshot(page, 'admin-06-network-default');
  });

  it('creates a user with a role', async () => {
    await page.goto(`${ferry.baseUrl}/users`);
    await page.click('#create-user-button');
    await page.fill('#new-user-name', username);
    await page.fill('#new-user-password', userPassword);
    await page.selectOption('#new-user-role', 'Operator');
    await screenshot(page, 'admin-07-create-user');
    await page.click('#create-user-submit');
    const row = page.locator(`[data-testid=user-row][data-username="${username}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Operator on /');
    await screenshot(page, 'admin-08-users');
    // The role given at creation is a grant on `/`, listed under Permissions.
    await page.click('[data-testid=tab-grants]');
    await page.locator(`[data-testid=grant-row][data-username="${username}"][data-path="/"]`).waitFor();
    await screenshot(page, 'admin-08-permissions');
  });

  it('lets that user create an API token, shown once, that works until revoked', async () => {
    const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    userPage = await ctx.newPage();
    userPage.setDefaultTimeout(20_000);
    const userErrors = collectPageErrors(userPage);
    await signIn(userPage, username, userPassword);
    await userPage.click('#nav-admin');
    await userPage.locator('[data-testid=tokens-page]').waitFor();
    // An operator sees only their tokens; users and the audit log are not offered.
    expect(await userPage.locator('[role=tab]').allTextContents()).toEqual(['API tokens']);
    await userPage.click('#create-token-button');
    expect(await userPage.locator('#token-role option').allTextContents()).toEqual(['Operator', 'Auditor']);
    await userPage.fill('#token-name', 'ferry-test-token');
    await userPage.selectOption('#token-expiry', '7');
    await userPage.click('#create-token-submit');
    const secretField = userPage.locator('[data-testid=token-secret]');
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^ferry_/);
    expect(await userPage.locator('[data-testid=token-secret-dialog]').textContent()).toContain('will not be shown again');
    await userPage.click('#token-secret-copy');
    await screenshot(userPage, 'admin-09-token-secret');

    const me = await fetch(`${ferry.baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(me.status).toBe(200);
    const body = (await me.json()) as { user: { username: string }; via: string };
    expect(body).toMatchObject({ user: { username }, via: 'token' });

    await userPage.click('#token-secret-done');
    const row = userPage.locator('[data-testid=token-row][data-token-name="ferry-test-token"]');
    await row.waitFor();
    expect(await userPage.content()).not.toContain(secret);
    await screenshot(userPage, 'admin-10-tokens');
    await userPage.click('button[aria-label="Revoke ferry-test-token"]');
    await userPage.click('[data-testid=confirm-button]');
    await row.waitFor({ state: 'detached' });
    const after = await fetch(`${ferry.baseUrl}/api/v1/auth/me`, { headers: { authorization: `Bearer ${secret}` } });
    expect(after.status).toBe(401);
    expect(userErrors, 'browser console errors (user)').toEqual([]);
    await ctx.close();
    userPage = null;
  });

  it('shows the user\'s actions in the audit log, filtered by user', async () => {
    await page.goto(`${ferry.baseUrl}/audit`);
    await page.locator('[data-testid=audit-row]').first().waitFor();
    await page.fill('#audit-username', username);
    await page.click('#audit-apply');
    await page.waitForURL(/username=/);
    await page.locator('[data-testid=audit-row][data-route="/tokens/:id"][data-method=DELETE]').waitFor();
    const rows = await page.locator('[data-testid=audit-row]').evaluateAll((els) => els.map((e) => ({
      route: (e as HTMLElement).dataset.route, method: (e as HTMLElement).dataset.method, user: (e as HTMLElement).dataset.username,
    })));
    console.log(`[e2e] audit entries of ${username}: ${rows.map((r) => `${r.method} ${r.route}`).join(', ')}`);
    expect(rows.every((r) => r.user === username)).toBe(true);
    expect(rows).toContainEqual({ route: '/tokens', method: 'POST', user: username });
    expect(rows).toContainEqual({ route: '/tokens/:id', method: 'DELETE', user: username });
    await screenshot(page, 'admin-11-audit-by-user');
    // And the administrator's own: the user made, the upload, the volume deleted.
    await page.fill('#audit-username', 'admin');
    await page.click('#audit-apply');
    await page.locator('[data-testid=audit-row][data-route="/users"][data-method=POST]').waitFor();
    await page.locator('[data-testid=audit-row][data-route="/storage/pools/:pool/volumes/upload"]').waitFor();
    await page.locator('[data-testid=audit-row][data-route="/storage/pools/:pool/volumes/:volume"][data-method=DELETE]').waitFor();
    await screenshot(page, 'admin-12-audit-admin');
    expect(errors, 'browser console errors (admin)').toEqual([]);
  });
});
