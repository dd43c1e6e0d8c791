// Storage pools, volume resizing and networks from the dashboard, end to end against a real
// Ferry on a real libvirtd (qemu:///system): create a directory pool under a temporary
// directory through the host's Storage page (a server refusal first, shown by its code), see it
// in the list and the tree without a reload, create a volume in it, grow it (a shrink is refused
// in the form) and read the new capacity with `virsh vol-info`; create an isolated network on a
// free 10.250.x.0/24 from the host's Networks page and read it back with `virsh net-dumpxml`;
// then remove the network, the volume and the pool through the dashboard. Every name starts with
// ferry-test-web-sn-; clean-up sweeps pools, networks and temp directories by that prefix, also
// after a failure. Screenshots go to e2e/screenshots/sn-*.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, launchBrowser, newPage, screenshot, signIn } from './support/browser.ts';
import { virsh } from './support/domains.ts';
import { removeHostObjects } from './support/host-objects.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const run = promisify(execFile);
const PREFIX = 'ferry-test-web-sn-';
const GiB = 2 ** 30;
const missing = chromiumMissing();
if (missing) console.log(`[e2e] skipped: ${missing}`);

/** A 10.250.x.0/24 that no interface, route or libvirt network of this machine touches. */
async function freeTestSubnet(): Promise<number> {
  const inUse = [
    (await run('ip', ['-4', '-o', 'addr'])).stdout,
    (await run('ip', ['-4', 'route'])).stdout,
    ...await Promise.all((await virsh('net-list', '--all', '--name')).split('\n').map((n) => n.trim()).filter(Boolean)
      .map((n) => virsh('net-dumpxml', n).catch(() => ''))),
  ].join('\n');
  for (let i = 0; i < 50; i++) {
    const x = 1 + Math.floor(Math.random() * 254);
    if (!inUse.includes(`10.250.${x}.`)) return x;
  }
  throw new Error('no free 10.250.x.0/24 found');
}

describe.skipIf(missing !== null)('storage pools, volume resize and networks, end to end', () => {
  const tag = randomBytes(3).toString('hex');
  const pool = `${PREFIX}pool-${tag}`;
  const volume = `${PREFIX}${tag}.qcow2`;
  const net = `${PREFIX}net-${tag}`;
  let parent = '';
  let subnet = 0;
  let ferry: FerryServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    buildWeb();
    await removeHostObjects(PREFIX);
    parent = mkdtempSync(path.join(os.tmpdir(), PREFIX));
    subnet = await freeTestSubnet();
    ferry = await startFerry();
    browser = await launchBrowser();
    ({ page, errors } = await newPage(browser, { width: 1400, height: 900 }));
    await signIn(page, ferry.baseUrl, ADMIN_PASSWORD, '/storage/local');
    await page.locator('[data-testid=pools-page]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    const removed = await removeHostObjects(PREFIX).catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    if (removed.length) console.log(`[e2e] removed leftovers: ${removed.join(', ')}`);
    await browser?.close();
    await ferry?.stop();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const file = await screenshot(page, `sn-failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => '');
    console.log(`[e2e] failed at ${page.url()}; screenshot ${file}\n[e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  const poolRow = () => page.locator(`[data-testid=pool-row][data-pool="${pool}"]`);
  const volumeRow = () => page.locator(`[data-testid=volume-row][data-volume="${volume}"]`);
  const capacity = async () => Number(/Capacity:\s+(\d+) bytes/.exec(await virsh('vol-info', '--bytes', '--pool', pool, volume))?.[1]);

  it("creates a directory pool from the host's Storage page, showing a refusal by its code first, and lists it without a reload", async () => {
    await screenshot(page, 'sn-01-pools');
    await page.click('#create-pool-button');
    await page.fill('#pool-name', pool);
    expect(await page.inputValue('#pool-path')).toBe(`/var/lib/libvirt/pools/${pool}`);
    // The form's own checks, from the contract's rules.
    await page.fill('#pool-path', '/etc/ferry-pools');
    await page.click('#create-pool-submit');
    expect(await page.locator('#pool-path-error').textContent()).toBe('must not be a system directory');
    await screenshot(page, 'sn-02-pool-form-invalid');
    // A directory that cannot be made (its parent is a file): libvirt refuses, Ferry says so by code.
    writeFileSync(path.join(parent, 'a-file'), 'not a directory');
    await page.fill('#pool-path', `${parent}/a-file/pool`);
    await page.click('#create-pool-submit');
    const refusal = page.locator('[data-testid=create-pool-dialog] [data-testid=error-message]');
    await refusal.waitFor();
    console.log(`[e2e] refused pool: ${await refusal.textContent()}`);
    expect(await refusal.getAttribute('data-code')).toBe('BAD_REQUEST');
    await screenshot(page, 'sn-03-pool-refused');
    expect(await virsh('pool-list', '--all', '--name')).not.toContain(pool);

    await page.fill('#pool-path', `${parent}/pool`);
    await screenshot(page, 'sn-04-pool-form');
    await page.click('#create-pool-submit');
    await page.locator('[data-testid=create-pool-dialog]').waitFor({ state: 'detached' });
    await poolRow().waitFor();
    expect(await poolRow().textContent()).toContain('active');
    await page.locator(`[data-testid=tree-item][data-tree-id="pool:local/${pool}"]`).waitFor();
    await screenshot(page, 'sn-05-pool-listed');
    const xml = await virsh('pool-dumpxml', pool);
    expect(xml).toContain(`<path>${parent}/pool</path>`);
    expect(await virsh('pool-info', pool)).toMatch(/State:\s+running/);
  });

  it('creates a volume in the new pool and grows it, the form refusing a shrink, and libvirt has the new size', async () => {
    await poolRow().getByRole('link', { name: pool }).click();
    await page.locator('[data-testid=pool-page] [data-testid=empty-state]').waitFor();
    await page.click('#create-volume-button');
    await page.fill('#volume-name', volume);
    await page.fill('#volume-size', '1 GiB');
    await page.click('#create-volume-submit');
    await volumeRow().waitFor();
    expect(await capacity()).toBe(GiB);

    await page.click(`button[aria-label="Resize ${volume}"]`);
    expect(await page.locator('[data-testid=resize-current]').textContent()).toContain('1.0 GiB');
    await page.fill('#resize-size', '512 MiB');
    await page.click('#resize-volume-submit');
    expect(await page.locator('#resize-size-error').textContent()).toContain('volumes only grow');
    await screenshot(page, 'sn-06-resize-shrink-refused');
    await page.fill('#resize-size', '2.5 GiB');
    await screenshot(page, 'sn-07-resize');
    await page.click('#resize-volume-submit');
    await page.locator('[data-testid=resize-volume-dialog]').waitFor({ state: 'detached' });
    await expect.poll(() => volumeRow().textContent()).toContain('2.5 GiB');
    expect(await capacity()).toBe(2.5 * GiB);
    await screenshot(page, 'sn-08-volume-grown');
  });

  it("creates an isolated network from the host's Networks page, started, and libvirt has its addresses", async () => {
    await page.click('[data-testid=tree-item][data-tree-id="networks:local"]');
    await page.locator('[data-testid=networks-page]').waitFor();
    await page.click('#create-network-button');
    // NAT on a free /24 with DHCP is filled in; this one is isolated on the test's own subnet.
    expect(await page.isChecked('#network-mode-nat')).toBe(true);
    expect(await page.inputValue('#network-ipv4')).toMatch(/^192\.168\.\d+\.1\/24$/);
    await screenshot(page, 'sn-09-network-form-nat');
    await page.fill('#network-name', net);
    await page.check('#network-mode-isolated');
    await page.fill('#network-ipv4', `10.250.${subnet}.1/24`);
    expect(await page.inputValue('#network-dhcp-start')).toBe(`10.250.${subnet}.2`);
    await page.fill('#network-dhcp-end', `10.250.${subnet}.100`);
    await page.fill('#network-dhcp-hosts', `52:54:00:fe:00:01 10.99.${subnet}.150`);
    await page.click('#create-network-submit');
    expect(await page.locator('#network-dhcp-hosts-error').textContent()).toBe(`line 1: must lie in 10.250.${subnet}.1/24's subnet, excluding the host address`);
    await page.fill('#network-dhcp-hosts', `52:54:00:FE:00:01 10.250.${subnet}.150 db`);
    await screenshot(page, 'sn-10-network-form-isolated');
    await page.click('#create-network-submit');
    await page.locator('[data-testid=create-network-dialog]').waitFor({ state: 'detached' });
    const row = page.locator(`[data-testid=network-row][data-network="${net}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain(`10.250.${subnet}.1/24`);
    await page.locator(`[data-testid=tree-item][data-tree-id="net:local/${net}"]`).waitFor();
    await screenshot(page, 'sn-11-network-listed');
    const xml = await virsh('net-dumpxml', net);
    expect(xml).toContain(`<ip address='10.250.${subnet}.1' prefix='24'>`);
    expect(xml).toContain(`<range start='10.250.${subnet}.2' end='10.250.${subnet}.100'`);
    expect(xml).toContain(`<host mac='52:54:00:fe:00:01' name='db' ip='10.250.${subnet}.150'/>`);
    expect(xml, 'an isolated network has no <forward>').not.toContain('<forward');
    expect(await virsh('net-info', net)).toMatch(/Active:\s+yes/);
  });

  it('removes the network, the volume and the pool from the dashboard', async () => {
    await page.locator(`[data-testid=network-row][data-network="${net}"]`).getByRole('link', { name: net }).click();
    await page.locator('[data-testid=network-page]').waitFor();
    await page.click('#network-delete');
    await page.click('[data-testid=confirm-button]');
    await page.waitForURL(`${ferry.baseUrl}/networks/local`);
    await page.locator(`[data-testid=tree-item][data-tree-id="net:local/${net}"]`).waitFor({ state: 'detached' });
    expect(await virsh('net-list', '--all', '--name')).not.toContain(net);

    await page.click(`[data-testid=tree-item][data-tree-id="pool:local/${pool}"]`);
    await volumeRow().waitFor();
    // A pool that holds volumes is only removed when told to (its files would stay, unseen).
    await page.click('#pool-delete');
    await page.locator('#pool-delete-force').waitFor();
    await screenshot(page, 'sn-12-pool-remove-not-empty');
    await page.click('[data-testid=confirm-dialog] button:text-is("Cancel")');
    await page.click(`button[aria-label="Delete ${volume}"]`);
    await page.click('[data-testid=confirm-button]');
    await volumeRow().waitFor({ state: 'detached' });
    await page.click('#pool-delete');
    await screenshot(page, 'sn-13-pool-remove-confirm');
    await page.click('[data-testid=confirm-button]');
    await page.waitForURL(`${ferry.baseUrl}/storage/local`);
    await poolRow().waitFor({ state: 'detached' });
    expect(await virsh('pool-list', '--all', '--name')).not.toContain(pool);
    await screenshot(page, 'sn-14-pools-after');
    expect(errors, 'browser console errors').toEqual([]);
  });
});
