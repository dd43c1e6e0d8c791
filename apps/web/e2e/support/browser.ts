// Debian's Chromium driven by playwright-core (no browser download), and screenshots of the
// key screens into e2e/screenshots/ (gitignored) for a person to look at.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(import.meta.dirname, '../screenshots');

export function chromiumMissing(): string | null {
  return fs.existsSync(CHROMIUM) ? null : `${CHROMIUM} is missing: apt-get install -y chromium (or FERRY_WITH_BROWSER=1 bash scripts/setup/prepare.sh)`;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** A page in a fresh context (empty cookies and cache), 20 s default waits, its errors collected. */
export async function newPage(browser: Browser, viewport = { width: 1400, height: 900 }): Promise<{ page: Page; errors: string[] }> {
  const page = await (await browser.newContext({ viewport })).newPage();
  page.setDefaultTimeout(20_000);
  return { page, errors: collectPageErrors(page) };
}

/** Signs in on the login form at `path` (the page the app returns to afterwards); the caller waits for what it expects to see. */
export async function signIn(page: Page, baseUrl: string, password: string, path = '/login', username = 'admin'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await page.fill('#login-username', username);
  await page.fill('#login-password', password);
  await page.click('#login-submit');
}

/**
 * Uncaught exceptions and console errors of a page. Failed HTTP answers are left out: the
 * browser logs each (the first /auth/me is a 401 by design, a VM being created is a 404 for a
 * moment), and the tests judge what the page shows instead.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  return errors;
}
