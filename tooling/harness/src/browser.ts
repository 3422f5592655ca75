import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { TOKEN_COOKIE } from '@openhouse/auth';

/**
 * Chromium driven by playwright-core, headless, against production builds: Debian's package when
 * installed, else the build shipped in the `@sparticuz/chromium` package, so that `pnpm test` needs
 * nothing from apt. Screenshots
 * go to test-results/screenshots/ (git-ignored, kept as the run's artifacts) for a person to look at.
 */

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const SCREENSHOT_DIR = path.join(ROOT, 'test-results', 'screenshots');

/** The two sizes every page is checked at: a laptop and a phone. */
export const VIEWPORTS = {
  desktop: { width: 1366, height: 900 },
  phone: { width: 390, height: 844 },
} as const;
export type Viewport = (typeof VIEWPORTS)[keyof typeof VIEWPORTS];

/** Debian's Chromium; OPENHOUSE_CHROMIUM (or CHROMIUM_PATH) points elsewhere. */
const SYSTEM_CHROMIUM = process.env.OPENHOUSE_CHROMIUM ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  // A fixed language: with LANG=C a browser's default locale can be "en-US@posix", which Intl rejects.
  '--lang=en-GB',
];

/**
 * Every test context's locale: the portals format dates and numbers with the browser's own, and a
 * packaged Chromium run under LANG=C would otherwise pick one that Intl refuses.
 */
export const TEST_LOCALE = 'en-GB';

/** Which Chromium `launchChromium` starts: the system one if it exists, else the packaged one. */
export async function chromiumExecutable(): Promise<{
  path: string;
  source: 'system' | 'package';
  args: string[];
}> {
  if (existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'system', args: FLAGS };
  // Unpacks its brotli-compressed build into the temporary directory once (a few seconds), then reuses it.
  const { default: packaged } = await import('@sparticuz/chromium');
  // Its own `args` suit a serverless function (single process, web security off); a test wants ours.
  return { path: await packaged.executablePath(), source: 'package', args: FLAGS };
}

export async function launchChromium(): Promise<Browser> {
  const executable = await chromiumExecutable();
  return chromium.launch({ executablePath: executable.path, headless: true, args: executable.args });
}

/**
 * A browser context signed in as the token's user. The dev sign-in route does not exist in
 * production builds, so the session cookie it would set is set here directly. Cookies ignore
 * ports: one context per user, even when both portals run on 127.0.0.1.
 */
export async function signedInContext(
  browser: Browser,
  token: string,
  viewport: Viewport = VIEWPORTS.desktop,
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport,
    locale: TEST_LOCALE,
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  await context.addCookies([
    { name: TOKEN_COOKIE, value: token, domain: '127.0.0.1', path: '/', httpOnly: true, sameSite: 'Lax' },
  ]);
  return context;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/**
 * What went wrong on a page that a person would not see in the test's assertions: errors in the
 * console, uncaught exceptions, and answers of 400 or more (a missing favicon, a failed call).
 * `expected` lets a test allow a refusal it provoked on purpose (e.g. a wrong invite code).
 */
export function watchPage(page: Page) {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`exception: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  return {
    problems,
    /** The problems, less those matching `expected`; the list is emptied for the next step. */
    take(expected: RegExp[] = []): string[] {
      const found = problems.filter((problem) => !expected.some((pattern) => pattern.test(problem)));
      problems.length = 0;
      return found;
    },
  };
}

export interface PageCheck {
  /** axe-core's WCAG 2.0/2.1 A and AA violations: rule, impact, what failed, where. */
  violations: string[];
  /** Page width beyond the viewport (0 when nothing is wider than the screen). */
  overflow: number;
  /** Elements wider than the viewport, when there is an overflow. */
  wide: string[];
}

/**
 * The page as it is now: checked by axe-core in the browser against WCAG 2.0 and 2.1 A/AA (colour
 * contrast, names of controls, landmarks, headings…), measured for horizontal overflow (nothing may
 * be wider than the screen), and photographed as `<name>-<width>x<height>.png`.
 */
export async function checkPage(page: Page, name: string): Promise<PageCheck> {
  const hasAxe = await page.evaluate(() => 'axe' in window);
  if (!hasAxe) await page.addScriptTag({ content: axe.source });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    }),
  );
  const violations = results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact}): ${violation.help} — ${node.target.join(' ')}: ${node.failureSummary?.replace(/\s+/g, ' ')}`,
    ),
  );
  const { overflow, wide } = await page.evaluate(() => {
    const width = window.innerWidth;
    const overflow = Math.max(0, document.documentElement.scrollWidth - width);
    const wide: string[] = [];
    if (overflow > 0) {
      for (const element of Array.from(document.querySelectorAll('body *'))) {
        const box = element.getBoundingClientRect();
        if (box.right > width + 1 && wide.length < 8) {
          wide.push(`${element.tagName.toLowerCase()}.${element.className} (${Math.round(box.right)}px)`);
        }
      }
    }
    return { overflow, wide };
  });
  const viewport = page.viewportSize();
  await screenshot(page, `${name}-${viewport?.width ?? 0}x${viewport?.height ?? 0}`);
  return { violations, overflow, wide };
}
