// Live migration through the dashboard, in the two-host lab (scripts/lab): Chromium against a
// real Ferry whose first host is lab host A (its 'local' host) and whose second, lab host B, is
// added through the dashboard's Add host dialog. The tiny guest runs on A under TCG. On the VM's
// Migrate tab: pick B, run the pre-flight (every check shown as the API answers it), migrate live
// with the disk copied along under a bandwidth limit low enough that the task panel moves for
// a few seconds — sampled every ~200 ms, the bar must rise while the task runs and never fall,
// the bytes moved must keep rising — until the task succeeds.
// Without a reload, the VM then sits under B in the resource tree and the VM list; virsh on both
// lab hosts agrees. A second migration, throttled to 1 MiB/s, is cancelled from the tab: the VM
// runs on where it was, the other host holds nothing, the task says cancelled. Then the same
// move over the lab's shared pool (one disk file both hosts see, nothing copied).
//
// Needs root (the lab) and /usr/bin/chromium; run by the vitest project 'lab' (FERRY_LAB=1). It
// brings the lab up if it is down and takes it down again if it did. Its domains and disk files
// are named ferry-test-web-mig-* and swept from both hosts before and after.
import { copyFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { ADMIN_PASSWORD, startFerry, type FerryServer } from './support/ferry-server.ts';
import { chromiumMissing, launchBrowser, newPage, screenshot, signIn } from './support/browser.ts';
import { signInAdmin, type AdminApi } from './support/tiny-vm.ts';
import { ensureTinyGuest } from '../../../scripts/tinyguest/tinyguest.ts';
import { domainsOn, labDown, labUp, virsh, type LabEnv, type LabHost } from '../../../scripts/lab/lab.ts';
import { buildWeb } from '../../../scripts/setup/build-web.mjs';

const PREFIX = 'ferry-test-web-mig-';
const asRoot = process.getuid?.() === 0;
const missing = !asRoot ? 'the two-host lab needs root' : chromiumMissing();
if (missing) console.log(`[lab e2e] migrate.lab.e2e.ts skipped: ${missing}`);

interface Sample { t: number; state: string | null; value: number | null; text: string }

/** Domains and disk files of this file's runs, on both lab hosts and in the shared pool. */
function sweep(lab: LabEnv): string[] {
  const removed: string[] = [];
  for (const h of ['A', 'B'] as const) {
    let names: string[] = [];
    try { names = domainsOn(lab, h, true).filter((n) => n.startsWith(PREFIX)); } catch { /* host down */ }
    for (const n of names) {
      try { virsh(lab, h, 'domjobabort', n); } catch { /* no job */ }
      try { virsh(lab, h, 'destroy', n); } catch { /* not running */ }
      try { virsh(lab, h, 'undefine', n); } catch { /* gone */ }
      removed.push(`${n}@${h}`);
    }
  }
  for (const [dir, hosts] of [[lab.images.A, ['A']], [lab.images.B, ['B']], [lab.shared, ['A', 'B']]] as const) {
    if (!existsSync(dir)) continue;
    const files = readdirSync(dir).filter((f) => f.startsWith(PREFIX));
    for (const f of files) { rmSync(path.join(dir, f), { force: true }); removed.push(path.join(dir, f)); }
    if (files.length) for (const h of hosts) { try { virsh(lab, h, 'pool-refresh', dir === lab.shared ? 'shared' : 'images'); } catch { /* pool down */ } }
  }
  return removed;
}

const UNIT: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3, TiB: 1024 ** 4 };
/** The task panel's "… <phase>, 105 MiB of 337 MiB, …" → the bytes moved, one per change. */
function movedBytes(samples: Sample[]): number[] {
  const out: number[] = [];
  for (const s of samples) {
    const m = /, ([\d.]+) (B|KiB|MiB|GiB|TiB) of /.exec(s.text);
    const b = m ? Number(m[1]) * UNIT[m[2]!]! : null;
    if (b !== null && b !== out.at(-1)) out.push(b);
  }
  return out;
}
/** "0×12 50×30 100×9": each value the bar showed and for how many samples. */
const runs = (values: number[]) => values.reduce<[number, number][]>((acc, v) => {
  if (acc.at(-1)?.[0] === v) acc.at(-1)![1]++; else acc.push([v, 1]);
  return acc;
}, []).map(([v, n]) => `${v}×${n}`).join(' ');

describe.skipIf(missing !== null)('migration from the dashboard, in the two-host lab', () => {
  const tag = randomBytes(3).toString('hex');
  const name = `${PREFIX}${tag}`;
  const sharedName = `${PREFIX}${tag}-shared`;
  const hostId: Record<LabHost, string> = { A: 'local', B: '' };
  const hostName: Record<LabHost, string> = { A: '', B: `Lab B ${tag}` };
  let lab: LabEnv;
  let ferry: FerryServer;
  let admin: AdminApi;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let vmId = '';

  /** Copies the tiny guest's image into a lab pool and makes a VM on it through the API, running. */
  async function createVm(vmName: string, pool: 'images' | 'shared'): Promise<string> {
    const image = await ensureTinyGuest();
    copyFileSync(image.qcow2, path.join(pool === 'shared' ? lab.shared : lab.images.A, `${vmName}.qcow2`));
    for (const h of pool === 'shared' ? ['A', 'B'] as const : ['A'] as const) virsh(lab, h, 'pool-refresh', pool);
    const created = await admin.call<{ taskId: string; vmId: string }>('POST', '/vms', {
      name: vmName, hostId: 'local', memoryMiB: 256, disks: [{ pool, volume: `${vmName}.qcow2` }], start: true,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    await admin.task(created.body.taskId);
    return created.body.vmId;
  }

  beforeAll(async () => {
    buildWeb();
    lab = labUp();
    const left = sweep(lab);
    if (left.length) console.log(`[lab e2e] removed leftovers: ${left.join(', ')}`);
    ferry = await startFerry({ libvirtUri: lab.uri.A });
    admin = await signInAdmin(ferry.baseUrl);
    // Migrations are peer to peer: each host's migration URI is its lab address, which the
    // *source* daemon dials. A's ('local') is set here; B gets its own in the Add host dialog.
    const patched = await admin.call<{ name: string }>('PATCH', '/hosts/local', { migrationUri: lab.p2p.A });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    hostName.A = patched.body.name;
    vmId = await createVm(name, 'images');
    browser = await launchBrowser();
    ({ page, errors } = await newPage(browser));
    await signIn(page, ferry.baseUrl, ADMIN_PASSWORD);
    await page.locator('[data-testid=dc-host][data-state=connected]').waitFor({ timeout: 30_000 });
  }, 300_000);

  afterAll(async () => {
    if (!lab) return;
    // A migration still running would hold the source's job (and Ferry's shutdown) up.
    for (const h of ['A', 'B'] as const) for (const n of [name, sharedName]) { try { virsh(lab, h, 'domjobabort', n); } catch { /* no job */ } }
    await browser?.close();
    await ferry?.stop();
    const removed = sweep(lab);
    if (removed.length) console.log(`[lab e2e] removed: ${removed.join(', ')}`);
    if (!lab.wasUp) labDown();
  }, 300_000);

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const file = await screenshot(page, `failed-mig-${ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 50)}`).catch(() => '');
    const tasks = await page.evaluate(async () => (await fetch('/api/v1/tasks')).text()).catch((e: unknown) => String(e));
    console.log(`[lab e2e] failed at ${page.url()}; screenshot ${file}\n[lab e2e] server tasks: ${tasks.slice(0, 3000)}\n[lab e2e] server output:\n${ferry.output().slice(-3000)}`);
  });

  const noReload = () => page.evaluate(() => (window as unknown as { __noReload?: string }).__noReload);

  /** The host row the VM's tree row sits under (the nearest row one level up, above it). */
  const treeParentOf = (id: string) => page.locator('[data-testid=tree-item]').evaluateAll((rows, vmTreeId) => {
    const all = rows.map((r) => ({ id: (r as HTMLElement).dataset.treeId!, index: Number((r as HTMLElement).dataset.index), level: Number(r.getAttribute('aria-level')) }))
      .sort((a, b) => a.index - b.index);
    const at = all.findIndex((r) => r.id === vmTreeId);
    if (at < 0) return null;
    for (let i = at - 1; i >= 0; i--) if (all[i]!.level === all[at]!.level - 1) return all[i]!.id;
    return null;
  }, `vm:${id}`);

  /** Runs the pre-flight on the open Migrate tab and checks it shows exactly the API's checks. */
  async function preflight(target: LabHost, storage: 'copy' | 'shared', id: string): Promise<void> {
    await page.selectOption('#migrate-target', hostId[target]);
    await page.check(`#migrate-storage-${storage}`);
    await page.click('#migrate-preflight');
    const checks = page.locator('[data-testid=preflight-check]');
    await checks.first().waitFor({ timeout: 60_000 });
    await page.locator('[data-testid=preflight-verdict]').waitFor();
    const shown = await checks.evaluateAll((cs) => cs.map((c) => ({ id: (c as HTMLElement).dataset.check, status: (c as HTMLElement).dataset.status, text: c.textContent ?? '' })));
    const fromApi = (await admin.call<{ ok: boolean; checks: { id: string; status: string }[] }>('GET', `/vms/${id}/migrate/preflight?targetHostId=${hostId[target]}&storage=${storage}`)).body;
    console.log(`[lab e2e] pre-flight to ${target} (${storage}): ${shown.map((c) => `${c.id}=${c.status}`).join(', ')}`);
    expect(shown.map(({ id: i, status }) => ({ id: i, status }))).toEqual(fromApi.checks.map(({ id: i, status }) => ({ id: i, status })));
    expect(shown.every((c) => c.text.length > 12), 'each check with its reason').toBe(true);
    expect(fromApi.ok, JSON.stringify(fromApi.checks)).toBe(true);
    expect(await page.textContent('[data-testid=preflight-verdict]')).toContain('Nothing stands in the way');
    expect(await page.isDisabled('#migrate-start')).toBe(false);
  }

  /**
   * Samples the task panel every ~200 ms until the task ends: its state, the bar's value
   * (aria-valuenow; null while indeterminate or gone) and its words. One screenshot mid-way.
   */
  async function follow(shotName: string, until: (s: Sample) => boolean, timeoutMs = 240_000): Promise<Sample[]> {
    const samples: Sample[] = [];
    const t0 = Date.now();
    let shot = false;
    for (;;) {
      const s = await page.evaluate(() => {
        const panel = document.querySelector('[data-testid=task-progress]');
        const bar = panel?.querySelector('[role=progressbar]');
        const v = bar?.getAttribute('aria-valuenow');
        return { state: panel?.getAttribute('data-state') ?? null, value: v == null ? null : Number(v), text: panel?.querySelector('p')?.textContent ?? '' };
      });
      samples.push({ t: Date.now() - t0, ...s });
      if (!shot && s.state === 'running' && s.value !== null && s.value > 0) {
        shot = true;
        await screenshot(page, shotName);
      }
      if (until(samples.at(-1)!)) return samples;
      if (Date.now() - t0 > timeoutMs) throw new Error(`task did not end within ${timeoutMs / 1000} s; last samples ${JSON.stringify(samples.slice(-5))}`);
      await page.waitForTimeout(200);
    }
  }

  it('adds lab host B through the Add host dialog', async () => {
    await page.click('#add-host-button');
    await page.fill('#host-name', hostName.B);
    await page.fill('#host-uri', lab.uri.B);
    await page.fill('#host-migration-uri', lab.p2p.B);
    await screenshot(page, 'mig-01-add-host-b');
    await page.click('#host-form-submit');
    await page.waitForURL(/\/hosts\/[^/]+$/);
    hostId.B = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
    await page.locator(`[data-testid=tree-item][data-tree-id="host:${hostId.B}"][data-state=connected]`).waitFor({ timeout: 30_000 });
    const b = (await admin.call<{ uri: string; migrationUri: string; state: string }>('GET', `/hosts/${hostId.B}`)).body;
    expect(b).toMatchObject({ uri: lab.uri.B, migrationUri: lab.p2p.B, state: 'connected' });
  });

  it('runs the pre-flight to B with the disk copied along, every check shown', async () => {
    await page.goto(`${ferry.baseUrl}/vms/${vmId}/migrate`);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: 60_000 });
    await page.locator('#migrate-target').waitFor({ timeout: 30_000 });
    await preflight('B', 'copy', vmId);
    expect(await page.isChecked('#migrate-live')).toBe(true);
    await screenshot(page, 'mig-02-preflight-copy');
  });

  it('migrates it live A → B; the progress bar rises for a few seconds and never falls', async () => {
    // Any reload from here on would lose this marker.
    await page.evaluate(() => { (window as unknown as { __noReload: string }).__noReload = 'kept'; });
    await page.fill('#migrate-bandwidthMiBps', '4');
    await page.click('#migrate-start');
    const samples = await follow('mig-03-progress', (s) => s.state !== null && !['queued', 'running'].includes(s.state));
    const values = samples.map((s) => s.value).filter((v): v is number => v !== null);
    const whileRunning = samples.filter((s) => s.state === 'running').map((s) => s.value).filter((v): v is number => v !== null);
    const rising = whileRunning.filter((v, i) => i > 0 && v > whileRunning[i - 1]!).length;
    const moved = movedBytes(samples);
    const movedUp = moved.filter((v, i) => i > 0 && v > moved[i - 1]!).length;
    console.log(`[lab e2e] copy: ${samples.length} samples over ${samples.at(-1)!.t} ms; bar (value×samples): ${runs(values)}; ` +
      `bytes moved: ${moved.map((b) => `${Math.round(b / 1048576)}M`).join(' ')}\n[lab e2e] words: ${[...new Set(samples.map((s) => s.text))].slice(0, 8).join(' | ')}`);
    expect(samples.at(-1)!.state, JSON.stringify(samples.slice(-3))).toBe('succeeded');
    expect(values, 'the bar never runs backwards').toEqual([...values].sort((a, b) => a - b));
    // The disk copy and then the memory each move it: at least two steps up while the task runs.
    expect(rising, `the bar rose while the task ran: ${runs(whileRunning)}`).toBeGreaterThanOrEqual(2);
    expect(movedUp, `the bytes moved rose while the task ran: ${moved.join(' ')}`).toBeGreaterThanOrEqual(2);
    await screenshot(page, 'mig-04-succeeded');
  });

  it('shows the VM under B in the tree and the list, without a reload; virsh agrees', async () => {
    await expect.poll(() => treeParentOf(vmId), { timeout: 30_000 }).toBe(`host:${hostId.B}`);
    await page.click('#nav-vms');
    const row = page.locator(`[data-testid=vm-row][data-vm-id="${vmId}"]`);
    await row.waitFor();
    await expect.poll(() => row.locator('[role=cell]').nth(3).textContent(), { timeout: 30_000 }).toBe(hostName.B);
    expect(await row.getAttribute('data-state')).toBe('running');
    expect(await noReload()).toBe('kept');
    await screenshot(page, 'mig-05-list-on-b');
    expect(domainsOn(lab, 'B')).toContain(name);
    expect(domainsOn(lab, 'A', true)).not.toContain(name);
    expect(existsSync(path.join(lab.images.B, `${name}.qcow2`))).toBe(true);
    expect(existsSync(path.join(lab.images.A, `${name}.qcow2`))).toBe(false);
  });

  it('cancels a throttled migration B → A from the Migrate tab: the VM stays on B, A holds nothing', async () => {
    await page.locator(`[data-testid=vm-row][data-vm-id="${vmId}"] a`).click();
    await page.click('[data-testid=tab-migrate]');
    await page.locator('#migrate-target').waitFor();
    await preflight('A', 'copy', vmId);
    await page.fill('#migrate-bandwidthMiBps', '1');
    await page.click('#migrate-start');
    // Cancel once the job really runs: the bar has left 0 (data is moving).
    await follow('mig-06-cancel-running', (s) => s.state === 'running' && s.value !== null && s.value > 0, 120_000);
    await page.locator('#task-cancel:enabled').click();
    await page.locator('[data-testid=task-progress][data-state=cancelled]').waitFor({ timeout: 120_000 });
    // The target's teardown of its incoming copy arrives as a 'shutoff' for the same VM id from
    // host A: the page, the tree and the list must keep showing the copy on B running.
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: 30_000 });
    await page.locator(`[data-testid=tree-item][data-tree-id="vm:${vmId}"][data-state=running]`).waitFor({ timeout: 30_000 });
    await screenshot(page, 'mig-07-cancelled');
    expect(virsh(lab, 'B', 'domstate', name)).toBe('running');
    expect(domainsOn(lab, 'A', true)).not.toContain(name);
    expect(existsSync(path.join(lab.images.A, `${name}.qcow2`))).toBe(false);
    expect(existsSync(path.join(lab.images.B, `${name}.qcow2`))).toBe(true);
    const vm = (await admin.call<{ hostId: string; state: string }>('GET', `/vms/${vmId}`)).body;
    expect(vm).toMatchObject({ hostId: hostId.B, state: 'running' });
    expect(await noReload()).toBe('kept');
  });

  it('migrates a VM on the shared pool A → B, nothing copied, the bar rising', async () => {
    const sharedId = await createVm(sharedName, 'shared');
    await page.goto(`${ferry.baseUrl}/vms/${sharedId}/migrate`);
    await page.locator('[data-testid=vm-detail] [data-testid=vm-state][data-state=running]').waitFor({ timeout: 60_000 });
    await page.locator('#migrate-target').waitFor({ timeout: 30_000 });
    await preflight('B', 'shared', sharedId);
    await screenshot(page, 'mig-08-preflight-shared');
    await page.fill('#migrate-bandwidthMiBps', '8');
    await page.click('#migrate-start');
    const samples = await follow('mig-09-progress-shared', (s) => s.state !== null && !['queued', 'running'].includes(s.state));
    const values = samples.map((s) => s.value).filter((v): v is number => v !== null);
    console.log(`[lab e2e] shared: ${samples.length} samples over ${samples.at(-1)!.t} ms; bar (value×samples): ${runs(values)}; bytes moved: ${movedBytes(samples).map((b) => `${Math.round(b / 1048576)}M`).join(' ')}`);
    expect(samples.at(-1)!.state, JSON.stringify(samples.slice(-3))).toBe('succeeded');
    expect(values).toEqual([...values].sort((a, b) => a - b));
    await expect.poll(() => treeParentOf(sharedId), { timeout: 30_000 }).toBe(`host:${hostId.B}`);
    expect(domainsOn(lab, 'B')).toContain(sharedName);
    expect(domainsOn(lab, 'A', true)).not.toContain(sharedName);
    expect(virsh(lab, 'B', 'domblklist', sharedName)).toContain(path.join(lab.shared, `${sharedName}.qcow2`));
    expect(existsSync(path.join(lab.shared, `${sharedName}.qcow2`))).toBe(true);
    expect(errors, 'browser console errors').toEqual([]);
  });
});
