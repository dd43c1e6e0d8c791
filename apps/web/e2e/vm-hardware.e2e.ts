// The VM page's Hardware and performance views end to end, against a real Ferry on a real
// libvirtd (qemu:///system) with the tiny guest: edit a stopped VM's memory and see it in
// `virsh dumpxml`; add a NIC and a disk and see them there too; meet a change made elsewhere
// (409 STALE_DIGEST) and reload; start the VM and watch the live CPU chart draw from the event
// stream's stats; switch to the history ranges; see the host's charts and top consumers.
// Screenshots go to e2e/screenshots/hw-*. Domains are named ferry-test-web-hw-* and removed.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, launchBrowser, newPage, screenshot, signIn } from './support/browser.ts';
import { removeDomains, virsh } from './support/domains.ts';
import { createTinyVm, signInAdmin, type AdminApi, type TinyVm } from './support/tiny-vm.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const PREFIX = 'ferry-test-web-hw-';
const missing = chromiumMissing();
if (missing) console.log(`[e2e] skipped: ${missing}`);

describe.skipIf(missing !== null)('VM hardware editing and performance charts, end to end', () => {
  let ferry: FerryServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let admin: AdminApi;
  let vm: TinyVm | undefined;
  const name = `${PREFIX}${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    buildWeb();
    await removeDomains(PREFIX);
    // Samples every second, so the live chart has points within a few seconds of the start.
    process.env.FERRY_STATS_INTERVAL_S = '1';
    ferry = await startFerry();
    admin = await signInAdmin(ferry.baseUrl);
    vm = await createTinyVm(admin, name);
    browser = await launchBrowser();
    ({ page, errors } = await newPage(browser, { width: 1400, height: 1000 }));
    await signIn(page, ferry.baseUrl, ADMIN_PASSWORD, `/vms/${vm.vmId}/hardware`);
    await page.locator('[data-testid=vm-hardware]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    const removed = await removeDomains(PREFIX).catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    if (removed.length) console.log(`[e2e] removed domains: ${removed.join(', ')}`);
    await vm?.removePool().catch(() => {});
    await browser?.close();
    await ferry?.stop();
    delete process.env.FERRY_STATS_INTERVAL_S;
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const file = await screenshot(page, `hw-failed-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => '');
    console.log(`[e2e] failed at ${page.url()}; screenshot ${file}\n[e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  const dumpxml = () => virsh('dumpxml', '--inactive', name);
  const applyAndWait = async () => {
    await page.click('#edit-submit');
    await page.locator('[data-testid=edit-result]').waitFor({ timeout: 60_000 });
  };

  it('changes the memory of the stopped VM, and libvirt has it', async () => {
    await page.click('#hw-edit-memory');
    await page.fill('#hw-memory', '384');
    await screenshot(page, 'hw-01-memory-dialog');
    await applyAndWait();
    expect(await page.locator('[data-testid=edit-result]').textContent()).toContain('memory 384 MiB');
    await expect.poll(() => page.locator('[data-testid=hw-memory]').textContent()).toContain('384 MiB');
    expect(await dumpxml()).toMatch(/<memory unit='KiB'>393216<\/memory>/);
  });

  it('adds a network card and a new disk, and libvirt has both', async () => {
    const nicsBefore = (await dumpxml()).match(/<interface /g)?.length ?? 0;
    await page.click('#hw-add-nic');
    await page.selectOption('#hw-nic-model', 'e1000');
    await applyAndWait();
    await expect.poll(async () => (await dumpxml()).match(/<interface /g)?.length ?? 0).toBe(nicsBefore + 1);
    expect(await dumpxml()).toContain("<model type='e1000'/>");

    await page.click('#hw-add-disk');
    await page.fill('#hw-disk-size', '1');
    await applyAndWait();
    await page.locator('[data-testid=hw-disk][data-target=vdb]').waitFor();
    expect(await dumpxml()).toContain("<target dev='vdb'");
    await screenshot(page, 'hw-02-hardware-after-edits');
  });

  it('says a change made elsewhere meanwhile is stale, and reloads', async () => {
    await page.click('#hw-edit-cpu');
    await page.locator('[data-testid=edit-cpu]').waitFor();
    // Someone else edits the VM while the dialog is open.
    const current = (await admin.call<{ digest: string }>('GET', `/vms/${vm!.vmId}`)).body;
    const other = await admin.call<{ taskId: string }>('PATCH', `/vms/${vm!.vmId}`, { digest: current.digest, description: 'changed elsewhere' });
    expect(other.status).toBe(202);
    await admin.task(other.body.taskId);
    await page.fill('#hw-vcpus', '2');
    await page.fill('#hw-cores', '2');
    await page.click('#edit-submit');
    await page.locator('[data-testid=edit-stale]').waitFor();
    await screenshot(page, 'hw-03-stale-digest');
    await page.click('#edit-reload');
    await page.locator('[data-testid=edit-stale]').waitFor({ state: 'detached' });
    await page.fill('#hw-vcpus', '2');
    await page.fill('#hw-cores', '2');
    await applyAndWait();
    expect(await dumpxml()).toMatch(/<vcpu placement='static'>2<\/vcpu>/);
  });

  it('starts the VM and draws the live CPU chart from the event stream', async () => {
    await page.click('[data-testid=tab-summary]');
    await page.click('#vm-start');
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: 60_000 });
    const cpu = page.locator('[data-testid=chart-vm-metrics-cpu]');
    const t0 = Date.now();
    await expect.poll(async () => Number(await cpu.getAttribute('data-points')), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    console.log(`[e2e] live CPU chart had 3 points ${Date.now() - t0} ms after the VM showed running`);
    expect(await cpu.locator('path.chart-line').first().getAttribute('d')).toMatch(/^M[\d.]+ [\d.]+L/);
    expect(await cpu.locator('svg').getAttribute('aria-labelledby')).toBeTruthy();
    await page.waitForTimeout(3_000);
    await page.locator('[data-testid=vm-metrics]').scrollIntoViewIfNeeded();
    await screenshot(page, 'hw-04-live-charts');
  });

  it('switches to the history ranges', async () => {
    await page.click('#vm-metrics-range-hour');
    await page.locator('[data-testid=vm-metrics][data-view=hour] [data-testid=vm-metrics-history]').waitFor();
    await expect.poll(async () => Number(await page.locator('[data-testid=chart-vm-metrics-cpu]').getAttribute('data-points')), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(1);
    expect(await page.locator('[data-testid=chart-vm-metrics-cpu]').textContent()).toMatch(/CPU avg: .*%.*CPU max: .*%/);
    await page.locator('[data-testid=vm-metrics]').scrollIntoViewIfNeeded();
    await screenshot(page, 'hw-05-history-hour');
    await page.click('#vm-metrics-range-week');
    await page.locator('[data-testid=vm-metrics][data-view=week] [data-testid=vm-metrics-history]').waitFor();
    await page.click('#vm-metrics-range-live');
    await page.locator('[data-testid=vm-metrics-live]').waitFor();
  });

  it('shows the host charts and the VM among its top consumers', async () => {
    await page.goto(`${ferry.baseUrl}/hosts/local`);
    await expect.poll(async () => Number(await page.locator('[data-testid=chart-host-metrics-host-cpu]').getAttribute('data-points')), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(2);
    await page.locator('[data-testid=top-row]', { hasText: name }).waitFor({ timeout: 20_000 });
    await page.locator('[data-testid=host-metrics]').scrollIntoViewIfNeeded();
    await screenshot(page, 'hw-06-host-charts');
    await virsh('destroy', name).catch(() => {});
    expect(errors, 'browser console errors').toEqual([]);
  });
});
