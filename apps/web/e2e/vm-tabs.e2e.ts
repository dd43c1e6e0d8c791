// The VM page's tabs and copy actions in Chromium against a real Ferry, libvirtd and the tiny
// guest (stopped throughout): clone the VM (the clone appears in virsh; opened and deleted
// through the dashboard, it goes again); take two snapshots and revert to the first (libvirt's
// own snapshot list and current marker agree with the page), delete one; a full snapshot of the
// running guest, and a revert away from it that warns its running state is lost; the Migrate tab with
// one host says a second is needed, and with a second (libvirt's test driver) the pre-flight
// shows the server's checks; the Tasks tab lists this VM's tasks and opens a log; the
// Permissions tab grants a role on the VM to a user and takes it back. Screenshots of each tab
// go to e2e/screenshots/. Domains are named ferry-test-web-tabs-* and always removed.
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, launchBrowser, newPage, screenshot, signIn } from './support/browser.ts';
import { removeDomains, virsh } from './support/domains.ts';
import { createTinyVm, signInAdmin, type AdminApi, type TinyVm } from './support/tiny-vm.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const missing = chromiumMissing();
if (missing) console.log(`[e2e] skipped: ${missing}`);

// A prefix of this file's own, so its sweep never takes another suite's domains.
const PREFIX = 'ferry-test-web-tabs-';

describe.skipIf(missing !== null)('the VM page tabs, end to end', () => {
  const tag = randomBytes(4).toString('hex');
  const name = `${PREFIX}${tag}`;
  const cloneName = `${PREFIX}${tag}-copy`;
  const username = `ferry-test-web-${tag}`;
  let ferry: FerryServer;
  let admin: AdminApi;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let vm: TinyVm;

  beforeAll(async () => {
    buildWeb();
    await removeDomains(PREFIX);
    ferry = await startFerry();
    admin = await signInAdmin(ferry.baseUrl);
    vm = await createTinyVm(admin, name);
    const user = await admin.call('POST', '/users', { username, password: 'e2e-operator-password' });
    expect(user.status).toBe(201);
    browser = await launchBrowser();
    ({ page, errors } = await newPage(browser));
    await signIn(page, ferry.baseUrl, ADMIN_PASSWORD);
    await page.locator('[data-testid=dc-host][data-state=connected]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    const removed = await removeDomains(PREFIX).catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    if (removed.length) console.log(`[e2e] removed domains: ${removed.join(', ')}`);
    await vm?.removePool();
    await browser?.close();
    await ferry?.stop();
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const file = await screenshot(page, `failed-tabs-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => '');
    const tasks = await page.evaluate(async () => (await fetch('/api/v1/tasks')).text()).catch((e: unknown) => String(e));
    console.log(`[e2e] failed at ${page.url()}; screenshot ${file}\n[e2e] server tasks: ${tasks.slice(0, 3000)}\n[e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  /** Runs `start` and waits for the task it starts to succeed — not for the panel of the task before it, still showing 'succeeded'. */
  const runTask = async (start: () => Promise<void>) => {
    const before = await page.locator('[data-testid=task-progress]').getAttribute('data-task-id', { timeout: 500 }).catch(() => null);
    await start();
    await page.locator(`[data-testid=task-progress][data-state=succeeded]${before ? `:not([data-task-id="${before}"])` : ''}`).waitFor({ timeout: 120_000 });
  };
  const snapshotRow = (snap: string) => page.locator(`[data-testid=snapshot-row][data-snapshot="${snap}"]`);
  const virshSnapshots = async () => (await virsh('snapshot-list', '--name', name)).split('\n').map((s) => s.trim()).filter(Boolean).sort();

  it('clones the stopped VM, and deletes the clone again', async () => {
    await page.goto(`${ferry.baseUrl}/vms/${vm.vmId}`);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=shutoff]').waitFor({ timeout: 30_000 });
    await page.click('#vm-clone');
    await page.fill('#clone-name', cloneName);
    expect(await page.isDisabled('#clone-mode-linked')).toBe(true); // not a template
    await screenshot(page, 'tabs-01-clone-dialog');
    await page.click('#clone-submit');
    await page.locator('[data-testid=clone-open]').waitFor({ timeout: 120_000 });
    expect(await virsh('list', '--all', '--name')).toContain(cloneName);
    await page.click('[data-testid=clone-open]');
    await page.locator('[data-testid=vm-detail] h1', { hasText: cloneName }).waitFor();
    await page.click('#vm-delete');
    // (Its copied disk stays in the test's pool, which afterAll removes with its directory.)
    await page.click('[data-testid=confirm-button]');
    await page.waitForURL(/\/vms$/);
    await page.locator('[data-testid=task-row][data-task-type="vm.delete"][data-state=succeeded]').waitFor({ timeout: 120_000 });
    expect(await virsh('list', '--all', '--name')).not.toContain(cloneName);
  });

  it('takes two snapshots and reverts to the first, as libvirt sees it too', async () => {
    await page.goto(`${ferry.baseUrl}/vms/${vm.vmId}/snapshots`);
    await page.locator('[data-testid=vm-snapshots] [data-testid=empty-state]').waitFor();
    for (const snap of ['known-good', 'after-change']) {
      await page.click('#snapshot-create');
      await page.fill('#snapshot-name', snap);
      await page.fill('#snapshot-description', `e2e ${snap}`);
      if (snap === 'known-good') await screenshot(page, 'tabs-02-snapshot-create');
      await runTask(() => page.click('#snapshot-create-submit'));
      await snapshotRow(snap).and(page.locator('[data-current=true]')).waitFor();
    }
    expect(await virshSnapshots()).toEqual(['after-change', 'known-good']);
    expect((await virsh('snapshot-current', '--name', name)).trim()).toBe('after-change');
    // Tree order: the second sits below the first.
    expect(await page.locator('[data-testid=snapshot-row]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.snapshot)))
      .toEqual(['known-good', 'after-change']);
    await screenshot(page, 'tabs-03-snapshot-tree');

    await snapshotRow('known-good').locator('[data-testid=snapshot-revert]').click();
    await page.locator('[data-testid=confirm-dialog]').waitFor();
    await screenshot(page, 'tabs-04-snapshot-revert-confirm');
    await runTask(() => page.click('[data-testid=confirm-button]'));
    await snapshotRow('known-good').and(page.locator('[data-current=true]')).waitFor();
    expect((await virsh('snapshot-current', '--name', name)).trim()).toBe('known-good');
    expect(await page.textContent('[data-testid=snapshot-current-name]')).toBe('Current: known-good');
    await screenshot(page, 'tabs-05-snapshot-reverted');
  });

  it('deletes a snapshot after a confirmation', async () => {
    await snapshotRow('after-change').locator('[data-testid=snapshot-delete]').click();
    await page.click('[data-testid=confirm-button]');
    await snapshotRow('after-change').waitFor({ state: 'detached', timeout: 120_000 });
    expect(await virshSnapshots()).toEqual(['known-good']);
  });

  it('takes a full snapshot of the running VM, then reverts it to an earlier one after a warning', async () => {
    const started = await admin.call<{ taskId: string }>('POST', `/vms/${vm.vmId}/start`, {});
    expect(started.status).toBe(202);
    await admin.task(started.body.taskId);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: 30_000 });
    try {
      await page.click('#snapshot-create');
      await page.fill('#snapshot-name', 'running-full');
      await page.selectOption('#snapshot-kind', 'full');
      await runTask(() => page.click('#snapshot-create-submit'));
      await snapshotRow('running-full').and(page.locator('[data-current=true]')).waitFor();
      expect(await snapshotRow('running-full').textContent()).toMatch(/full, internal.*running, with memory/);
      expect((await virsh('snapshot-current', '--name', name)).trim()).toBe('running-full');
      await snapshotRow('known-good').locator('[data-testid=snapshot-revert]').click();
      await page.locator('[data-testid=revert-running]').waitFor(); // says the running state is discarded
      await screenshot(page, 'tabs-05b-revert-running-confirm');
      await runTask(() => page.click('[data-testid=confirm-button]'));
      expect((await virsh('snapshot-current', '--name', name)).trim()).toBe('known-good');
      // known-good was taken with the VM off: reverting to it leaves the VM off.
      await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=shutoff]').waitFor({ timeout: 30_000 });
    } finally {
      if ((await virsh('domstate', name)).trim() !== 'shut off') await virsh('destroy', name).catch(() => {});
    }
  });

  it('says on the Migrate tab that a second host is needed', async () => {
    await page.click('[data-testid=tab-migrate]');
    const empty = page.locator('[data-testid=migrate-one-host]');
    await empty.waitFor();
    expect(await empty.textContent()).toMatch(/add a second host first/);
    expect(new URL(page.url()).pathname).toBe(`/vms/${vm.vmId}/migrate`);
    await screenshot(page, 'tabs-06-migrate-one-host');
  });

  it('with a second host, runs the pre-flight and shows each check with its reason', async () => {
    // libvirt's in-process test driver as the second host: a real target for the checks,
    // nothing ever migrates (it cannot receive a QEMU guest, which the checks must say).
    const added = await admin.call<{ id: string }>('POST', '/hosts', { name: `e2e-target-${tag}`, uri: 'test:///default' });
    expect(added.status).toBe(201);
    try {
      await page.reload();
      await page.locator('#migrate-target').waitFor({ timeout: 30_000 });
      await page.selectOption('#migrate-target', added.body.id);
      expect(await page.isDisabled('#migrate-live')).toBe(true); // the VM is not running
      await page.click('#migrate-preflight');
      const checks = page.locator('[data-testid=preflight-check]');
      await checks.first().waitFor({ timeout: 30_000 });
      const shown = await checks.evaluateAll((cs) => cs.map((c) => ({ id: (c as HTMLElement).dataset.check, status: (c as HTMLElement).dataset.status, text: c.textContent })));
      const fromApi = (await admin.call<{ ok: boolean; checks: { id: string; status: string }[] }>('GET', `/vms/${vm.vmId}/migrate/preflight?targetHostId=${added.body.id}`)).body;
      expect(shown.map(({ id, status }) => ({ id, status }))).toEqual(fromApi.checks.map(({ id, status }) => ({ id, status })));
      expect(shown.every((c) => (c.text ?? '').length > 12)).toBe(true); // each with its reason
      expect(await page.isDisabled('#migrate-start')).toBe(!fromApi.ok);
      console.log(`[e2e] pre-flight to the test driver: ${shown.map((c) => `${c.id}=${c.status}`).join(', ')}`);
      await screenshot(page, 'tabs-06b-migrate-preflight');
    } finally {
      await admin.call('DELETE', `/hosts/${added.body.id}`);
    }
  });

  it('lists this VM\'s tasks on the Tasks tab and opens a log', async () => {
    await page.click('[data-testid=tab-tasks]');
    const rows = page.locator('[data-testid=vm-task-row]');
    await rows.first().waitFor();
    const types = await rows.evaluateAll((rs) => rs.map((r) => (r as HTMLElement).dataset.taskType));
    expect(types).toEqual(expect.arrayContaining(['vm.create', 'vm.snapshot.create', 'vm.snapshot.revert', 'vm.snapshot.delete']));
    expect(types).not.toContain('vm.clone'); // that task targets the clone
    await page.locator('[data-testid=vm-task-row][data-task-type="vm.snapshot.revert"] [data-testid=vm-task-log]').first().click();
    const log = page.locator('[data-testid=task-log]');
    await expect.poll(() => log.locator('.task-log').textContent(), { timeout: 10_000 }).not.toMatch(/^(Loading…)?$/);
    await screenshot(page, 'tabs-07-tasks-log');
    await page.keyboard.press('Escape');
    await log.waitFor({ state: 'detached' });
    await screenshot(page, 'tabs-08-tasks');
  });

  it('grants a role on the VM on the Permissions tab, and removes it', async () => {
    await page.click('[data-testid=tab-permissions]');
    await page.locator('[data-testid=vm-permissions][data-readonly=false]').waitFor();
    await page.locator('[data-testid=grants-inherited] [data-testid=grant-row][data-username=admin]').waitFor();
    await page.locator('#grant-user option', { hasText: username }).waitFor({ state: 'attached' });
    await page.selectOption('#grant-user', { label: username });
    await page.selectOption('#grant-role', 'Operator');
    await page.click('#grant-add-submit');
    const row = page.locator(`[data-testid=grants-own] [data-testid=grant-row][data-username="${username}"][data-role=Operator]`);
    await row.waitFor();
    const grants = (await admin.call<{ items: { username: string; path: string }[] }>('GET', '/acl')).body.items;
    expect(grants).toContainEqual(expect.objectContaining({ username, path: `/vms/${vm.vmId}` }));
    await screenshot(page, 'tabs-09-permissions');
    await row.locator('[data-testid=grant-remove]').click();
    await page.click('[data-testid=confirm-button]');
    await row.waitFor({ state: 'detached' });
    expect(errors, 'browser console errors').toEqual([]);
  });
});
