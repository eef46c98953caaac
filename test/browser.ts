import chromium from '@sparticuz/chromium';
import axe from 'axe-core';
import { chromium as playwright, type Browser, type Page } from 'playwright-core';

/**
 * Chromium for the browser tests, from npm (@sparticuz/chromium ships the binary in its package),
 * so `npm test` needs nothing installed by hand. TTE_CHROMIUM_PATH points at a system browser
 * instead (e.g. /usr/bin/chromium).
 */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  const override = process.env.TTE_CHROMIUM_PATH;
  const args = override ? ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'] : chromium.args.filter((arg) => !lambdaOnly.has(arg));
  return playwright.launch({
    executablePath: override || await chromium.executablePath(),
    args: [...args, ...extraArgs],
    headless: true,
  });
}

/**
 * @sparticuz/chromium's flags are made for Lambda; these would make the tests lie (no same-origin
 * policy, mixed content allowed) or end the browser with its first closed page (single process).
 */
const lambdaOnly = new Set(['--single-process', '--disable-web-security', '--allow-running-insecure-content', '--disable-site-isolation-trials']);

export interface AxeViolation { id: string; impact: string | null; help: string; nodes: number }

/**
 * axe-core's serious and critical violations on the page. Injected through the DevTools protocol,
 * which the page's CSP (no inline script) does not apply to.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axe.source);
  // Expressions as text: they run in the page (the tests are not compiled with the DOM types).
  const results = await page.evaluate<axe.AxeResults>("axe.run(document, { resultTypes: ['violations'] })");
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ id: violation.id, impact: violation.impact ?? null, help: violation.help, nodes: violation.nodes.length }));
}

/** True when the page is wider than the viewport (a phone would scroll sideways). */
export const scrollsSideways = (page: Page) => page.evaluate<boolean>('document.documentElement.scrollWidth > document.documentElement.clientWidth');
