// The VM page's tabs and copy actions in Chromium against a real Ferry, libvirtd and the tiny
// guest (stopped throughout): clone the VM into a second pool chosen in the dialog (the clone
// appears in virsh with its disk there; opened and deleted through the dashboard, it goes
// again); take two snapshots and revert to the first (libvirt's own snapshot list and current
// marker agree with the page), delete one, change a description (libvirt's snapshot XML has it);
// a full snapshot of the running guest, and a revert away from it that warns its running state
// is lost; forget that one keeping its data (gone from virsh's list, still inside the qcow2);
// an Auditor sees the VM with every change disabled, saying why; the Migrate tab with
// one host says a second is needed, and with a second (libvirt's test driver) the pre-flight
// shows the server's checks; the Tasks tab lists this VM's tasks and opens a log; the
// Permissions tab grants a role on the VM to a user and takes it back. Screenshots of each tab
// go to e2e/screenshots/. Domains are named ferry-test-web-tabs-* and always removed.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { promisify } from 'node:util';
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
  // A second pool for the clone, under libvirt's images directory like the tiny VM's.
  const clonePool = `ferry-test-web-clones-${tag}`;
  let clonePoolDir = '';
  const auditor = { username: `ferry-test-web-aud-${tag}`, password: 'e2e-auditor-password' };

  beforeAll(async () => {
    buildWeb();
    await removeDomains(PREFIX);
    ferry = await startFerry();
    admin = await signInAdmin(ferry.baseUrl);
    vm = await createTinyVm(admin, name);
    const user = await admin.call('POST', '/users', { username, password: 'e2e-operator-password' });
    expect(user.status).toBe(201);
    clonePoolDir = mkdtempSync('/var/lib/libvirt/images/ferry-test-web-clones-');
    const pool = await admin.call('POST', '/storage/pools', { name: clonePool, type: 'dir', path: clonePoolDir });
    expect(pool.status, JSON.stringify(pool.body)).toBe(201);
    browser = await launchBrowser();
    ({ page, errors } = await newPage(browser));
    await signIn(page, ferry.baseUrl, ADMIN_PASSWORD);
    await page.locator('[data-testid=dc-host][data-state=connected]').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    const removed = await removeDomains(PREFIX).catch((e: unknown) => [`clean-up failed: ${String(e)}`]);
    if (removed.length) console.log(`[e2e] removed domains: ${removed.join(', ')}`);
    await vm?.removePool();
    for (const step of ['pool-destroy', 'pool-undefine']) await virsh(step, clonePool).catch(() => {});
    if (clonePoolDir) rmSync(clonePoolDir, { recursive: true, force: true });
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

  it('clones the stopped VM into the pool chosen in the dialog, and deletes the clone again', async () => {
    await page.goto(`${ferry.baseUrl}/vms/${vm.vmId}`);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=shutoff]').waitFor({ timeout: 30_000 });
    await page.click('#vm-clone');
    await page.fill('#clone-name', cloneName);
    expect(await page.isDisabled('#clone-mode-linked')).toBe(true); // not a template
    expect(await page.inputValue('#clone-pool')).toBe(''); // default: beside the source disk
    await page.locator(`#clone-pool option[value="${clonePool}"]`).waitFor({ state: 'attached' });
    await page.selectOption('#clone-pool', clonePool);
    await screenshot(page, 'tabs-01-clone-dialog');
    await page.click('#clone-submit');
    await page.locator('[data-testid=clone-open]').waitFor({ timeout: 120_000 });
    expect(await virsh('list', '--all', '--name')).toContain(cloneName);
    expect(await virsh('domblklist', cloneName)).toContain(`${clonePoolDir}/${cloneName}-disk0.qcow2`);
    expect(await virsh('vol-list', clonePool)).toContain(`${cloneName}-disk0.qcow2`);
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

  it("changes a snapshot's description, and libvirt's snapshot XML has it", async () => {
    const text = 'kernel 6.1 & busybox — before the upgrade';
    await snapshotRow('known-good').locator('[data-testid=snapshot-edit]').click();
    await page.locator('[data-testid=snapshot-edit-dialog]').waitFor();
    expect(await page.inputValue('#snapshot-edit-description')).toBe('e2e known-good');
    await page.fill('#snapshot-edit-description', text);
    await screenshot(page, 'tabs-05c-snapshot-description');
    await runTask(() => page.click('#snapshot-edit-submit'));
    await expect.poll(() => snapshotRow('known-good').locator('[data-testid=snapshot-description]').textContent()).toBe(text);
    expect(await virsh('snapshot-dumpxml', name, 'known-good')).toContain('<description>kernel 6.1 &amp; busybox — before the upgrade</description>');
    // Still the current one: a redefinition keeps the "you are here" marker.
    expect((await virsh('snapshot-current', '--name', name)).trim()).toBe('known-good');
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

  it('forgets a snapshot keeping its data: virsh lists it no more, the qcow2 still holds it', async () => {
    await snapshotRow('running-full').locator('[data-testid=snapshot-delete]').click();
    await page.click('#snapshot-delete-metadata-only');
    expect(await page.textContent('[data-testid=snapshot-keep-data]')).toMatch(/stays inside the qcow2 disk files/);
    expect(await page.textContent('[data-testid=confirm-button]')).toBe('Forget, keep data');
    await screenshot(page, 'tabs-05d-snapshot-forget-confirm');
    await runTask(() => page.click('[data-testid=confirm-button]'));
    await snapshotRow('running-full').waitFor({ state: 'detached' });
    expect(await virshSnapshots()).toEqual(['known-good']);
    const disk = (await virsh('domblklist', name)).split('\n').map((l) => l.trim().split(/\s+/)).find(([target]) => target === 'vda')![1]!;
    const { stdout } = await promisify(execFile)('qemu-img', ['snapshot', '-l', '-U', disk]);
    expect(stdout).toContain('running-full');
    expect(await page.textContent('[data-testid=task-progress]')).toContain('Forget running-full (data kept)');
  });

  it('shows an Auditor the VM with every change disabled, each saying which privilege it needs', async () => {
    const made = await admin.call('POST', '/users', { ...auditor, role: 'Auditor' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const { page: aud, errors: audErrors } = await newPage(browser);
    try {
      await signIn(aud, ferry.baseUrl, auditor.password, `/vms/${vm.vmId}/hardware`, auditor.username);
      await aud.locator('[data-testid=hw-readonly]').waitFor({ timeout: 30_000 });
      const hw = await aud.locator('[data-testid=vm-hardware] button').evaluateAll((bs) => bs.map((b) => ({
        text: b.textContent, disabled: (b as HTMLButtonElement).disabled, title: (b as HTMLButtonElement).title,
      })));
      expect(hw.length).toBeGreaterThanOrEqual(5); // Edit ×3 for CPU, memory, boot; per disk and NIC; Add disk, Add network card
      for (const b of hw) {
        expect(b.disabled, b.text ?? '').toBe(true);
        expect(b.title).toMatch(/vm\.config privilege on this VM/);
      }
      for (const id of ['vm-start', 'vm-clone', 'vm-template', 'vm-delete']) {
        expect(await aud.isDisabled(`#${id}`), id).toBe(true);
        expect(await aud.getAttribute(`#${id}`, 'title'), id).toMatch(/privilege on this VM/);
      }
      await screenshot(aud, 'tabs-10-auditor-hardware');
      await aud.click('[data-testid=tab-snapshots]');
      await aud.locator('[data-testid=snapshot-row][data-snapshot=known-good]').waitFor();
      await aud.locator('[data-testid=snapshots-readonly]').waitFor();
      expect(await aud.isDisabled('#snapshot-create')).toBe(true);
      expect(await aud.isDisabled('#create-vm-button')).toBe(true); // POST /vms needs vm.create on /
      for (const action of ['snapshot-edit', 'snapshot-revert', 'snapshot-delete']) {
        expect(await aud.isDisabled(`[data-testid=snapshot-row][data-snapshot=known-good] [data-testid=${action}]`), action).toBe(true);
      }
      await screenshot(aud, 'tabs-11-auditor-snapshots');
      expect(audErrors, 'browser console errors (Auditor)').toEqual([]);
    } finally {
      await aud.context().close();
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
