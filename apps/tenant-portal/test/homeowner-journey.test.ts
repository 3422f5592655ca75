import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';

import { seedInviteCode } from '@openhouse/seed';
import { DEV_TOKEN_ISSUER } from '@openhouse/auth/dev-token';

import { TEST_JWT_SECRET, tokenFor } from '@openhouse/harness/api';
import {
  checkPage,
  launchChromium,
  screenshot,
  signedInContext,
  VIEWPORTS,
  watchPage,
  type Viewport,
  TEST_LOCALE,
} from '@openhouse/harness/browser';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { seedUser } from '@openhouse/harness/identities';
import { startPortal, type NextServer } from '@openhouse/harness/next-server';

/**
 * The homeowners' portal in a real browser, on production builds of both portals and a real
 * Postgres: a homeowner onboards (errors next to the field, focus kept), reads and searches the
 * noticeboard, asks the assistant, and writes to support; staff answer in the developer portal;
 * the homeowner's home page flags the reply. Every page is checked by axe-core (WCAG 2.1 A/AA)
 * and for horizontal overflow at a laptop's and a phone's size, and photographed
 * (test-results/screenshots/).
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const staffMember = seedUser('staff1@northfield.test');
let testDb: TestDatabase;
let tenantPortal: NextServer;
let developerPortal: NextServer;
let browser: Browser;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const env = {
    DATABASE_URL: testDb.appUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    // Production builds check the issuer; the test tokens are minted as the dev issuer.
    AUTH_JWT_ISSUER: DEV_TOKEN_ISSUER,
    DB_POOL_MIN: '1',
    DB_POOL_MAX: '5',
  };
  tenantPortal = await startPortal('tenant-portal', env);
  developerPortal = await startPortal('developer-portal', env);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await tenantPortal?.stop();
  await developerPortal?.stop();
  await testDb?.drop();
});

/** The page passes axe (WCAG 2.1 A/AA), fits the screen, and is photographed. */
async function expectGoodPage(page: Page, name: string) {
  const check = await checkPage(page, name);
  expect(check.violations, `accessibility of ${name}`).toEqual([]);
  expect(check.overflow, `${name} is wider than the screen: ${check.wide.join(', ')}`).toBe(0);
}

const focusedText = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement;
    return element?.getAttribute('name') ?? element?.textContent ?? '';
  });

describe('without a session', () => {
  it.each([VIEWPORTS.desktop, VIEWPORTS.phone])('lands on a real signed-out page (%o)', async (viewport) => {
    const context = await browser.newContext({ viewport, locale: TEST_LOCALE });
    const page = await context.newPage();
    const watch = watchPage(page);
    for (const path of ['/', '/noticeboard', '/sign-in']) {
      await page.goto(`${tenantPortal.url}${path}`);
      await page.waitForURL(/\/signed-out$/);
    }
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await expectGoodPage(page, 'tenant-00-signed-out');
    // The favicon is served: no 404 on any page.
    expect(watch.take()).toEqual([]);
    await context.close();
  });

  it('refuses a staff account up front instead of showing a portal that fails on every call', async () => {
    const context = await signedInContext(browser, await tokenFor(staffMember));
    const page = await context.newPage();
    await page.goto(`${tenantPortal.url}/assistant`);
    await page.getByRole('heading', { name: 'This portal is for homeowners' }).waitFor();
    expect(await page.getByLabel('Your question').count()).toBe(0);
    await expectGoodPage(page, 'tenant-00-wrong-portal');
    await context.close();
  });
});

describe('a homeowner', () => {
  it('onboards, reads notices, asks the assistant, writes to support and sees the reply flagged', async () => {
    const context = await signedInContext(browser, await tokenFor(homeowner), VIEWPORTS.desktop);
    const page = await context.newPage();
    const watch = watchPage(page);
    const tenant = tenantPortal.url;

    // Home: not onboarded yet; every notice is new.
    await page.goto(`${tenant}/`);
    await page.getByRole('link', { name: 'Continue setup' }).waitFor();
    await page.getByText('3 new notices here.').waitFor();
    await expectGoodPage(page, 'tenant-01-home');
    await page.getByRole('link', { name: 'Continue setup' }).click();

    // Onboarding: a wrong code is refused next to the field, in a sentence, and focus goes there.
    await page.getByLabel('Invite code').fill('AAAA-BBBB-CCCC');
    await page.getByRole('button', { name: 'Continue' }).click();
    const refusal = page.getByRole('alert').getByText('This is not an invite code for your home.');
    await refusal.waitFor();
    expect(await page.getByLabel('Invite code').getAttribute('aria-invalid')).toBe('true');
    await expect.poll(() => focusedText(page)).toBe('inviteCode');
    await expectGoodPage(page, 'tenant-02-onboarding-wrong-code');
    expect(watch.take([/HTTP 400 .*onboarding\.completeStep/, /status of 400/])).toEqual([]);

    await page.getByLabel('Invite code').fill(seedInviteCode(homeowner.houseId!));
    await page.getByRole('button', { name: 'Continue' }).click();
    // After each step, focus moves to the next step's heading.
    await expect.poll(() => focusedText(page)).toBe('Step 2 of 3: Your details');
    await page.getByLabel('Your name').fill('Amelia Patel');
    await page.getByLabel('How should we contact you?').selectOption('phone');
    await page.getByLabel('Phone number').fill('not a phone number!');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('Enter a phone number using digits, spaces and + ( ) - only.').waitFor();
    // Never the validator's own wording.
    expect(await page.getByText(/Invalid|expected string|regex/i).count()).toBe(0);
    expect(watch.take([/HTTP 400 /, /status of 400/])).toEqual([]);
    await page.getByLabel('Phone number').fill('0161 555 0199');
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => focusedText(page)).toBe('Step 3 of 3: Key documents');
    const boxes = page.getByRole('checkbox');
    await boxes.first().waitFor();
    await expectGoodPage(page, 'tenant-03-onboarding-documents');
    for (const box of await boxes.all()) await box.check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByText('You’re all set').waitFor();
    await expect.poll(() => focusedText(page)).toBe('You’re all set');
    await expectGoodPage(page, 'tenant-04-onboarding-done');

    // Noticeboard: dates and audience on every notice, unread markers, search and filters in the URL.
    await page.goto(`${tenant}/noticeboard`);
    await page.getByText('5 new notices here.').waitFor();
    await expectGoodPage(page, 'tenant-05-noticeboard');
    await page.getByText('Bin collection day').first().click();
    await page.getByText('Bins at Meadow View are collected every Tuesday').waitFor();
    await page.getByText('4 new notices here.').waitFor();
    // The server keeps the markers: another browser (no shared storage) shows the notice read.
    const elsewhere = await signedInContext(browser, await tokenFor(homeowner), VIEWPORTS.phone);
    const phone = await elsewhere.newPage();
    await phone.goto(`${tenant}/noticeboard`);
    await phone.getByText('4 new notices here.').waitFor();
    const binNotice = phone.getByRole('list', { name: 'Notices' }).getByRole('listitem').filter({
      hasText: 'Bin collection day',
    });
    expect(await binNotice.getByText('New', { exact: true }).count()).toBe(0);
    await elsewhere.close();
    await page.getByLabel('Search notices').fill('resurf');
    await page.getByLabel('Search notices').press('Enter');
    await page.waitForURL(/[?&]q=resurf/);
    await page.getByText('Road resurfacing next month').waitFor();
    await page.reload();
    await page.getByText('Road resurfacing next month').waitFor();
    await expect.poll(() => page.getByText('Welcome to Meadow View').count()).toBe(0);
    await page.getByLabel('Search notices').fill('');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((url) => !url.searchParams.has('q'));
    await page.getByLabel('Sent to').selectOption({ label: 'Just for your home' });
    await page.waitForURL(/audience=house/);
    const notices = page.getByRole('list', { name: 'Notices' });
    await expect
      .poll(async () => `${page.url()} ${await notices.textContent()}`, { timeout: 10_000 })
      .toMatch(/^(?!.*Play area opening).*Snagging visit booked for plot 1/);
    await expectGoodPage(page, 'tenant-06-noticeboard-filtered');

    // Documents, and one document.
    await page.goto(`${tenant}/documents`);
    await page.getByRole('link', { name: 'Completion pack for plot 1' }).waitFor();
    await page.getByRole('list', { name: 'Documents' }).getByText('Just for your home').first().waitFor();
    await expectGoodPage(page, 'tenant-07-documents');
    await page.getByRole('link', { name: /^Your ten-year structural warranty/ }).click();
    await page.getByRole('heading', { name: 'What is not covered' }).waitFor();
    await expectGoodPage(page, 'tenant-08-document');

    // Assistant: a cited answer; two questions answered in parts; an honest "I don't know"
    // pointing to the support chat; earlier questions never repeat the answer shown.
    await page.goto(`${tenant}/assistant`);
    await page.getByLabel('Your question').fill('Which day are the bins collected?');
    await page.getByRole('button', { name: 'Ask' }).click();
    const answer = page.getByRole('region', { name: 'Answer' });
    await answer
      .getByText(/Tuesday/)
      .first()
      .waitFor();
    const citation = answer.getByRole('link', {
      name: 'Waste and recycling collections — Meadow View — Bins and recycling',
    });
    await citation.waitFor();
    await page.getByText('You have not asked anything else yet.').waitFor();
    await expectGoodPage(page, 'tenant-09-assistant-answer');
    await citation.click();
    await page.waitForURL(/\/documents\/[0-9a-f-]+#passage-\d+$/);
    expect(await page.locator(new URL(page.url()).hash).textContent()).toContain('Tuesday');

    await page.goto(`${tenant}/assistant`);
    await page
      .getByLabel('Your question')
      .fill('Is a 2mm crack in the plaster covered, and where does glass go?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await answer.getByText(/Where does glass go\? According to .*black box/).waitFor();
    await answer.getByText(/shrinkage cracks in plaster up to 3 mm/).waitFor();
    expect(await page.getByRole('heading', { name: 'Which day are the bins collected?' }).count()).toBe(1);
    await page.getByLabel('Your question').fill('Can I keep chickens in the back garden?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await answer.getByText(/^I don’t know/).waitFor();
    expect(
      await answer.getByRole('link', { name: 'ask the support team in Chat' }).getAttribute('href'),
    ).toBe('/chat');
    expect(await answer.getByRole('list', { name: 'Sources' }).count()).toBe(0);
    await expectGoodPage(page, 'tenant-10-assistant-dont-know');

    // Chat: a new conversation, with a long link that must not widen the page.
    await page.goto(`${tenant}/chat`);
    await expectGoodPage(page, 'tenant-11-chat');
    await page.getByLabel('Subject').fill('Loose fence panel');
    await page
      .getByLabel('Message')
      .fill(
        `The fence panel by the back gate is loose. Photo: https://photos.example.test/${'x'.repeat(180)}`,
      );
    await page.getByRole('button', { name: 'Send' }).click();
    await page.waitForURL(/\/chat\/[0-9a-f-]+$/);
    await page.getByText(/The fence panel by the back gate is loose/).waitFor();
    const threadUrl = page.url();
    await expectGoodPage(page, 'tenant-12-chat-sent');

    // Developer portal: the inbox says who wrote, where they live and how to reach them; staff answer.
    const staffContext = await signedInContext(browser, await tokenFor(staffMember));
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`${developerPortal.url}/inbox`);
    const line = staffPage.getByRole('article').filter({ hasText: 'Loose fence panel' });
    await line.getByText('1 unread').first().waitFor();
    await line.getByText('Amelia Patel').first().waitFor();
    await line
      .getByText(/Plot 1, 1 Foxglove Close, Meadow View, Stockport/)
      .first()
      .waitFor();
    await line
      .getByText(/Prefers phone call/)
      .first()
      .waitFor();
    await screenshot(staffPage, 'tenant-13-staff-inbox');
    await staffPage.getByRole('link', { name: 'Loose fence panel' }).click();
    await staffPage.getByText(/The fence panel by the back gate is loose/).waitFor();
    await staffPage.getByLabel('Your reply').fill('Thanks — a joiner will fix it on Thursday.');
    await staffPage.getByRole('button', { name: 'Send reply' }).click();
    await staffPage.getByText('Thanks — a joiner will fix it on Thursday.').waitFor();
    await staffContext.close();

    // Home flags the unread reply; opening the conversation clears the flag.
    await page.goto(`${tenant}/`);
    await page.getByRole('heading', { name: /The support team has replied/ }).waitFor();
    await expectGoodPage(page, 'tenant-14-home-reply-flagged');
    await page.getByRole('link', { name: 'Loose fence panel' }).click();
    await page.waitForURL(threadUrl);
    await page.getByText('Thanks — a joiner will fix it on Thursday.').waitFor();
    await page
      .getByText(/^Support team/)
      .first()
      .waitFor();
    await page.goto(`${tenant}/`);
    await page.getByRole('heading', { name: 'Latest notices' }).waitFor();
    await expect
      .poll(() => page.getByRole('heading', { name: /The support team has replied/ }).count())
      .toBe(0);

    // Signing out lands on the signed-out page, not a 404.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signed-out$/);
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    expect(watch.take()).toEqual([]);
    await context.close();
  });

  it('has every page usable on a phone: menu, lists as cards, nothing wider than the screen', async () => {
    const viewport: Viewport = VIEWPORTS.phone;
    const context = await signedInContext(browser, await tokenFor(homeowner), viewport);
    const page = await context.newPage();
    const watch = watchPage(page);
    const tenant = tenantPortal.url;

    await page.goto(`${tenant}/`);
    await page.getByRole('heading', { name: 'Latest notices' }).waitFor();
    // The first Tab reaches a visible "Skip to content" link, which moves focus to the main content.
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('main');
    // The menu is one button on a phone; opened, it lists every page.
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('link', { name: 'Documents' }).isVisible()).toBe(false);
    await expectGoodPage(page, 'tenant-20-home-phone');
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await expectGoodPage(page, 'tenant-21-menu-phone');
    await page.getByRole('link', { name: 'Noticeboard' }).click();
    await page.waitForURL(/\/noticeboard$/);
    await page.getByRole('list', { name: 'Notices' }).waitFor();
    await expectGoodPage(page, 'tenant-22-noticeboard-phone');

    await page.goto(`${tenant}/documents`);
    await page.getByRole('link', { name: 'Completion pack for plot 1' }).waitFor();
    await expectGoodPage(page, 'tenant-23-documents-phone');
    await page.getByRole('link', { name: 'Completion pack for plot 1' }).click();
    await page.getByRole('heading', { name: 'Keys and alarm' }).waitFor();
    await expectGoodPage(page, 'tenant-24-document-phone');

    await page.goto(`${tenant}/assistant`);
    await page.getByLabel('Your question').fill('How many keys did I get?');
    await page.getByRole('button', { name: 'Ask' }).click();
    await page
      .getByRole('region', { name: 'Answer' })
      .getByText(/three front door keys/)
      .waitFor();
    await expectGoodPage(page, 'tenant-25-assistant-phone');

    await page.goto(`${tenant}/chat`);
    await page.getByRole('link', { name: 'Loose fence panel' }).waitFor();
    await expectGoodPage(page, 'tenant-26-chat-phone');
    await page.getByRole('link', { name: 'Loose fence panel' }).click();
    await page.getByText('Thanks — a joiner will fix it on Thursday.').waitFor();
    // The long link in the first message wraps instead of zooming the page out.
    await expectGoodPage(page, 'tenant-27-chat-thread-phone');

    await page.goto(`${tenant}/onboarding`);
    await page.getByText('You’re all set').waitFor();
    await expectGoodPage(page, 'tenant-28-onboarding-phone');
    expect(watch.take()).toEqual([]);
    await context.close();
  });
});
