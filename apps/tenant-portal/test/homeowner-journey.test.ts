import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';

import { seedInviteCode } from '@openhouse/db';

import { TEST_JWT_SECRET, tokenFor } from '../../../test/support/api';
import { launchChromium, screenshot, signedInContext } from '../../../test/support/browser';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database';
import { seedUser } from '../../../test/support/identities';
import { startPortal, type NextServer } from '../../../test/support/next-server';

/**
 * The whole journey in a real browser, on production builds of both portals and a real Postgres:
 * a homeowner onboards, reads a notice, asks the assistant, and writes to support; a staff member
 * sees the message in the developer portal's inbox and answers; the homeowner sees the answer.
 */

const homeowner = seedUser('plot01.meadow-view@northfield.test');
const staffMember = seedUser('staff1@northfield.test');
let testDb: TestDatabase;
let tenantPortal: NextServer;
let developerPortal: NextServer;
let browser: Browser;
let homeownerContext: BrowserContext;
let staffContext: BrowserContext;

beforeAll(async () => {
  testDb = await createTestDatabase();
  const env = {
    DATABASE_URL: testDb.appUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    DB_POOL_MIN: '1',
    DB_POOL_MAX: '5',
  };
  tenantPortal = await startPortal('tenant-portal', env);
  developerPortal = await startPortal('developer-portal', env);
  browser = await launchChromium();
  homeownerContext = await signedInContext(browser, await tokenFor(homeowner));
  staffContext = await signedInContext(browser, await tokenFor(staffMember));
});
afterAll(async () => {
  await browser?.close();
  await tenantPortal?.stop();
  await developerPortal?.stop();
  await testDb?.drop();
});

it('takes a homeowner from onboarding to an answered support message', async () => {
  const page = await homeownerContext.newPage();
  const tenant = tenantPortal.url;

  // Home: not onboarded yet.
  await page.goto(`${tenant}/`);
  await page.getByRole('link', { name: 'Continue setup' }).waitFor();
  await screenshot(page, '01-tenant-home');
  await page.getByRole('link', { name: 'Continue setup' }).click();

  // Onboarding: a wrong code is refused with a clear message, then the real one.
  await page.getByLabel(/Invite code/).fill('AAAA-BBBB-CCCC');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('alert').getByText('this is not an invite code for your home').waitFor();
  await screenshot(page, '02-onboarding-wrong-code');
  await page.getByLabel(/Invite code/).fill(seedInviteCode(homeowner.houseId!));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByLabel('Your name').fill('Amelia Patel');
  await page.getByRole('button', { name: 'Continue' }).click();
  const boxes = page.getByRole('checkbox');
  await boxes.first().waitFor();
  for (const box of await boxes.all()) await box.check();
  await screenshot(page, '03-onboarding-documents');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByText('You’re all set').waitFor();
  await screenshot(page, '04-onboarding-done');

  // Noticeboard: open a notice.
  await page.goto(`${tenant}/noticeboard`);
  await page.getByText('Bin collection day').click();
  await page.getByText('Bins at Meadow View are collected every Tuesday').waitFor();
  await screenshot(page, '05-notice-opened');

  // Assistant: an answer from a seeded document, with its citation leading to the passage.
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
  await screenshot(page, '06-assistant-answer');
  await citation.click();
  await page.waitForURL(/\/documents\/[0-9a-f-]+#passage-\d+$/);
  expect(await page.locator(new URL(page.url()).hash).textContent()).toContain('Tuesday');
  await screenshot(page, '07-cited-passage');

  // Chat: a new conversation with support.
  await page.goto(`${tenant}/chat`);
  await page.getByLabel('Subject').fill('Loose fence panel');
  await page.getByLabel('Message').fill('The fence panel by the back gate is loose.');
  await page.getByRole('button', { name: 'Send' }).click();
  await page.waitForURL(/\/chat\/[0-9a-f-]+$/);
  await page.getByText('The fence panel by the back gate is loose.').waitFor();
  const threadUrl = page.url();
  await screenshot(page, '08-chat-sent');

  // Developer portal: the inbox shows it unread; staff answer.
  const staffPage = await staffContext.newPage();
  await staffPage.goto(`${developerPortal.url}/inbox`);
  await staffPage.getByText('1 unread').waitFor();
  await screenshot(staffPage, '09-staff-inbox');
  await staffPage.getByRole('link', { name: 'Loose fence panel' }).click();
  await staffPage.getByText('The fence panel by the back gate is loose.').waitFor();
  await staffPage.getByLabel('Your reply').fill('Thanks — a joiner will fix it on Thursday.');
  await staffPage.getByRole('button', { name: 'Send reply' }).click();
  await staffPage.getByText('Thanks — a joiner will fix it on Thursday.').waitFor();
  await screenshot(staffPage, '10-staff-replied');

  // The homeowner sees the answer.
  await page.goto(threadUrl);
  await page.getByText('Thanks — a joiner will fix it on Thursday.').waitFor();
  await page
    .getByText(/^Support team/)
    .first()
    .waitFor();
  await screenshot(page, '11-homeowner-sees-reply');
  // The same pages on a phone-sized screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${tenant}/`);
  await page.getByRole('heading', { name: 'Latest notices' }).waitFor();
  await screenshot(page, '11b-tenant-home-phone');

  // And the journey shows up in the staff dashboards.
  await staffPage.goto(`${developerPortal.url}/analytics`);
  await staffPage.getByRole('heading', { name: 'Onboarding funnel' }).waitFor();
  await staffPage.getByText('waste').first().waitFor();
  await screenshot(staffPage, '12-staff-analytics');
  await staffPage.goto(`${developerPortal.url}/developments`);
  await staffPage.getByRole('cell', { name: '20 Willow Lane, Canal Wharf, Salford' }).waitFor();
  await staffPage.getByLabel('Development').selectOption({ label: 'Meadow View, Stockport (20 homes)' });
  await staffPage.getByRole('cell', { name: 'Amelia Patel' }).waitFor();
  const claimedRow = staffPage.getByRole('row', { name: /Amelia Patel/ });
  expect(await claimedRow.textContent()).toContain('done');
  expect(await claimedRow.textContent()).toContain('0 open');
  // Staff issue a fresh code for the next plot; it is shown once.
  await staffPage.getByRole('row', { name: /^2 / }).getByRole('button', { name: '1 open' }).click();
  await staffPage.getByRole('button', { name: 'Issue an invite code' }).click();
  await staffPage
    .getByRole('status')
    .getByText(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    .waitFor();
  await screenshot(staffPage, '13-staff-homes');
});
