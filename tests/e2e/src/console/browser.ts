import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

import { chromium, type Browser, type Page } from 'playwright-core';

import { CHROMIUM } from '@gpu-shopper/test-support';

/**
 * Debian's Chromium (installed by .ci/run): playwright-core drives it, since a test tool's own
 * browser download cannot work on a machine without internet. CHROMIUM_PATH overrides the path.
 */
export const CHROMIUM_PATH = CHROMIUM.path ?? '/usr/bin/chromium';

/** Where screenshots go: test artifacts, one PNG per page. */
export const ARTIFACTS = path.resolve(import.meta.dirname, '../../artifacts/console');

/** The built console (apps/web/dist): the server serves it, so the tests need it built. */
export const CONSOLE_INDEX = path.resolve(import.meta.dirname, '../../../../apps/web/dist/index.html');

export interface LaunchedBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Headless Chromium with the flags that work offline (no background networking, no component
 * updates). Playwright gives every launch a fresh, empty profile of its own and removes it on close.
 */
export async function launchChromium(): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let axeSource: string | undefined;

/**
 * axe-core's serious and critical violations on the page as it is now. The script is evaluated
 * through the DevTools protocol, not injected as a <script>: the console's CSP forbids inline
 * scripts, and that policy stays on while the check runs.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(axeSource);
  // A string, evaluated in the page: this package compiles without the DOM's types.
  const violations = await page.evaluate<AxeViolation[]>("axe.run(document, { resultTypes: ['violations'] }).then((result) => result.violations)");
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} (${v.help}) at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
