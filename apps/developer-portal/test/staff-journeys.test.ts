import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { seedData, seedInviteCode } from '@openhouse/seed';
import { DEV_TOKEN_ISSUER } from '@openhouse/auth/dev-token';

import { TEST_JWT_SECRET, tokenFor } from '@openhouse/harness/api';
import {
  checkPage,
  launchChromium,
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
 * The developer portal as staff use it, in a real browser on a production build and a real
 * Postgres, at a laptop's and a phone's size: post a notice to one house (the form stays
 * consistent and says who received it), publish a document, issue, copy and revoke an invite
 * code, answer a homeowner's chat knowing who they are, and read analytics and the pool's history
 * with their filters and samples kept across a reload. Every page is checked by axe-core
 * (WCAG 2.1 A/AA) and for horizontal overflow, and photographed (test-results/screenshots/).
 */

const staffMember = seedUser('staff1@northfield.test');
const claimant = seedUser('plot01.meadow-view@northfield.test');
const writer = seedUser('plot05.meadow-view@northfield.test');
const meadowView = seedData.developments.find((d) => d.name === 'Meadow View')!;
const canalWharf = seedData.developments.find((d) => d.name === 'Canal Wharf')!;
const plot = (n: number) =>
  seedData.houses.find((h) => h.developmentId === meadowView.id && h.plotNumber === n)!;

let testDb: TestDatabase;
let portal: NextServer;
let browser: Browser;

/** A tRPC mutation over HTTP as a seeded user, as any client would send it; its result. */
async function mutate(user: typeof staffMember, path: string, input: unknown) {
  const response = await fetch(`${portal.url}/api/trpc/${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenFor(user)}`, 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return ((await response.json()) as { result: { data: unknown } }).result.data;
}

/** The HTTP status of a tRPC query over HTTP as a seeded user. */
async function queryStatus(user: typeof staffMember, path: string, input: unknown) {
  const url = `${portal.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const response = await fetch(url, { headers: { authorization: `Bearer ${await tokenFor(user)}` } });
  await response.arrayBuffer();
  return response.status;
}

beforeAll(async () => {
  testDb = await createTestDatabase();
  portal = await startPortal('developer-portal', {
    DATABASE_URL: testDb.appUrl,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    // Production builds check the issuer; the test tokens are minted as the dev issuer.
    AUTH_JWT_ISSUER: DEV_TOKEN_ISSUER,
    DB_POOL_MIN: '1',
    DB_POOL_MAX: '5',
  });
  browser = await launchChromium();
  // Plot 1 is claimed; plot 5's homeowner writes to support (one thread per screen size) and
  // asks the assistant something the documents do not answer.
  await mutate(claimant, 'onboarding.completeStep', {
    step: 'claim',
    inviteCode: seedInviteCode(claimant.houseId!),
  });
  for (const viewport of Object.values(VIEWPORTS)) {
    await mutate(writer, 'chat.send', {
      subject: `Dripping tap (${viewport.width})`,
      body: 'The kitchen tap drips.',
    });
  }
  await mutate(writer, 'assistant.ask', { question: 'Can I keep chickens in the back garden?' });
});
afterAll(async () => {
  await browser?.close();
  await portal?.stop();
  await testDb?.drop();
});

async function expectGoodPage(page: Page, name: string) {
  const check = await checkPage(page, name);
  expect(check.violations, `accessibility of ${name}`).toEqual([]);
  expect(check.overflow, `${name} is wider than the screen: ${check.wide.join(', ')}`).toBe(0);
}

describe('who may use the developer portal', () => {
  it('refuses a homeowner up front, before showing any staff form', async () => {
    const context = await signedInContext(browser, await tokenFor(claimant));
    const page = await context.newPage();
    await page.goto(`${portal.url}/noticeboard`);
    await page.getByRole('heading', { name: 'This portal is for developer staff' }).waitFor();
    expect(await page.getByRole('form', { name: 'Post a notice' }).count()).toBe(0);
    await expectGoodPage(page, 'staff-00-homeowner-refused');
    await context.close();
  });

  it('sends a visit without a session to the signed-out page', async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS.phone, locale: TEST_LOCALE });
    const page = await context.newPage();
    const watch = watchPage(page);
    await page.goto(`${portal.url}/inbox`);
    await page.waitForURL(/\/signed-out$/);
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    await expectGoodPage(page, 'staff-00-signed-out');
    expect(watch.take()).toEqual([]);
    await context.close();
  });
});

describe.each([VIEWPORTS.desktop, VIEWPORTS.phone])('staff at %o', (viewport: Viewport) => {
  const size = `${viewport.width}`;
  let context: BrowserContext;
  let page: Page;
  let watch: ReturnType<typeof watchPage>;
  beforeAll(async () => {
    context = await signedInContext(browser, await tokenFor(staffMember), viewport);
    page = await context.newPage();
    watch = watchPage(page);
  });
  afterAll(() => context?.close());

  it('posts a notice to one house; the form stays consistent and confirms who received it', async () => {
    await page.goto(`${portal.url}/noticeboard`);
    const form = page.getByRole('form', { name: 'Post a notice' });
    const development = form.getByLabel('Development');
    const sendTo = form.getByLabel('Send to');
    await development.selectOption({ label: 'Meadow View, Stockport (20 homes)' });
    await sendTo.selectOption({ label: 'Only plot 3, 3 Larch Drive, Meadow View, Stockport' });
    await form
      .getByText('Only plot 3, 3 Larch Drive, Meadow View, Stockport (Meadow View) will receive this.')
      .waitFor();

    // A blank title is refused next to the field, in the form's own words.
    await form.getByLabel('Title').fill('   ');
    await form.getByLabel('Message').fill('Please send us a meter reading.');
    await form.getByRole('button', { name: 'Post notice' }).click();
    await form.getByText('Enter a title of up to 200 characters.').waitFor();
    expect(await form.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
    await expectGoodPage(page, `staff-01-notice-refused-${size}`);
    expect(watch.take([/HTTP 400 .*noticeboard\.create/, /status of 400/])).toEqual([]);

    const title = `Meter reading for plot 3 (${size})`;
    await form.getByLabel('Title').fill(title);
    await form.getByRole('button', { name: 'Post notice' }).click();
    await form
      .getByRole('status')
      .getByText(`Posted “${title}” to plot 3, 3 Larch Drive, Meadow View, Stockport only.`)
      .waitFor();
    // The development stays; the home goes back to every home; nothing of the last post lingers.
    expect(await development.inputValue()).toBe(meadowView.id);
    expect(await sendTo.inputValue()).toBe('');
    expect(await form.getByLabel('Title').inputValue()).toBe('');
    // The list says who each notice went to.
    const posted = page
      .getByRole('list', { name: 'Notices' })
      .getByRole('listitem')
      .filter({ hasText: title });
    await posted.getByText('Plot 3, 3 Larch Drive, Meadow View, Stockport').waitFor();
    await expectGoodPage(page, `staff-02-notice-posted-${size}`);

    // Another development: only its homes are offered.
    await development.selectOption({ label: 'Canal Wharf, Salford (20 homes)' });
    await expect
      .poll(async () =>
        (await sendTo.locator('option').allTextContents()).some((text) => text.includes('Canal Wharf')),
      )
      .toBe(true);
    const options = await sendTo.locator('option').allTextContents();
    expect(options.filter((text) => text.includes('Meadow View'))).toEqual([]);
    expect(await sendTo.inputValue()).toBe('');

    // The list: filtered by development in the URL, and paged back and forth.
    await page
      .getByRole('search')
      .getByLabel('Development', { exact: true })
      .selectOption({ label: 'Canal Wharf' });
    await page.waitForURL(new RegExp(`development=${canalWharf.id}`));
    // Every notice listed is Canal Wharf's (once the filtered page has replaced the previous one).
    const badges = page.getByRole('list', { name: 'Notices' }).locator('.oh-badge');
    await expect
      .poll(async () => (await badges.allTextContents()).filter((text) => !text.includes('Canal Wharf')))
      .toEqual([]);
    await page.getByRole('list', { name: 'Notices' }).getByText('Welcome to Canal Wharf').waitFor();
    await page
      .getByRole('search')
      .getByLabel('Development', { exact: true })
      .selectOption({ label: 'All developments' });
    await page.getByRole('link', { name: 'Older notices →' }).click();
    await page.waitForURL(/page=2/);
    await page.getByText('Page 2').waitFor();
    await page.reload();
    await page.getByText('Page 2').waitFor();
    await page.getByRole('link', { name: '← Newer notices' }).click();
    await page.getByText('Page 1').waitFor();
    expect(watch.take()).toEqual([]);
  });

  it('publishes a document with a category the browser checks', async () => {
    await page.goto(`${portal.url}/documents`);
    const form = page.getByRole('form', { name: 'Publish a document' });
    await form.getByLabel('Development').selectOption({ label: 'Meadow View, Stockport (20 homes)' });
    const category = form.getByLabel('Category');
    await category.fill('9 bad');
    expect(await category.evaluate((input: HTMLInputElement) => input.checkValidity())).toBe(false);
    await category.fill('Loft-Insulation');
    await category.blur();
    expect(await category.inputValue()).toBe('loft-insulation');
    expect(await category.evaluate((input: HTMLInputElement) => input.checkValidity())).toBe(true);
    const title = `Loft insulation guide (${size})`;
    await form.getByLabel('Title').fill(title);
    await form
      .getByLabel('Text')
      .fill('# Loft\n\nDo not compress the insulation.\n\n## Hatch\n\nKeep the hatch closed.');
    await form.getByRole('button', { name: 'Publish' }).click();
    await form
      .getByRole('status')
      .getByText(`Published “${title}” in 2 sections to all 20 homes in Meadow View.`)
      .waitFor();
    await expectGoodPage(page, `staff-03-document-published-${size}`);

    // Two completion packs for plot 3 are told apart by their development and address.
    await page.getByLabel('Search documents').fill('completion pack 3');
    await page.getByLabel('Search documents').press('Enter');
    await page.waitForURL(/q=completion/);
    const packs = page
      .getByRole('list', { name: 'Documents' })
      .getByRole('listitem')
      .filter({ hasText: 'Completion pack for plot 3' });
    await expect.poll(() => packs.count()).toBe(2);
    await packs.getByText('Plot 3, 3 Larch Drive, Meadow View, Stockport').waitFor();
    await packs.getByText('Plot 3, 3 Larch Drive, Canal Wharf, Salford').waitFor();
    await expectGoodPage(page, `staff-04-documents-search-${size}`);
    await packs.first().getByRole('link').click();
    await page.getByRole('heading', { name: 'Keys and alarm' }).waitFor();
    await expectGoodPage(page, `staff-04b-document-${size}`);
    // The browser found nothing wrong with the form's pattern (an invalid one is a console error).
    expect(watch.take()).toEqual([]);
  });

  it('edits a document, withdraws it from homeowners after confirming, and republishes it', async () => {
    const created = (await mutate(staffMember, 'documents.create', {
      developmentId: meadowView.id,
      title: `Garden shed guide (${size})`,
      category: 'garden',
      body: '# Shed\n\nThe shed base is concrete.',
    })) as { id: string };
    await page.goto(`${portal.url}/documents/${created.id}`);
    await page.getByRole('button', { name: 'Edit document' }).click();
    const form = page.getByRole('form', { name: 'Edit document' });
    const title = `Garden shed and fence guide (${size})`;
    await form.getByLabel('Title').fill(title);
    await form
      .getByLabel('Text')
      .fill('# Shed\n\nThe shed base is concrete.\n\n# Fence\n\nFences are 1.8 m high.');
    await form.getByLabel('Send to').selectOption({ label: `Only plot 1, ${plot(1).address}` });
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form
      .getByRole('status')
      .getByText(`Saved “${title}” in 2 sections, for plot 1, ${plot(1).address} only.`)
      .waitFor();
    // The page shows the new text, sections and audience.
    await page.getByRole('heading', { name: title }).waitFor();
    await page.getByRole('article').getByRole('heading', { name: 'Fence', exact: true }).waitFor();
    await page
      .getByRole('article')
      .getByText(`Plot 1, ${plot(1).address}`)
      .waitFor();
    expect(await queryStatus(claimant, 'documents.get', { id: created.id })).toBe(200);
    await expectGoodPage(page, `staff-05-document-edited-${size}`);

    // Withdrawing asks first; then homeowners no longer get it.
    await page.getByRole('button', { name: 'Withdraw from homeowners' }).click();
    const confirm = page.getByRole('group', { name: 'Confirm withdrawing' });
    await confirm.getByText(`Withdraw “${title}”?`, { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Yes, withdraw it' }).click();
    await page.getByText(`Withdrawn. Homeowners can no longer see “${title}”.`).waitFor();
    await page.getByText('homeowners can no longer see this document', { exact: false }).waitFor();
    expect(await queryStatus(claimant, 'documents.get', { id: created.id })).toBe(404);
    await expectGoodPage(page, `staff-06-document-withdrawn-${size}`);

    // The list, filtered to withdrawn documents in the URL, marks it.
    await page.goto(`${portal.url}/documents?status=withdrawn`);
    const listed = page
      .getByRole('list', { name: 'Documents' })
      .getByRole('listitem')
      .filter({ hasText: title });
    await listed.getByText('Withdrawn', { exact: true }).waitFor();
    expect(await page.getByRole('search').getByLabel('Status').inputValue()).toBe('withdrawn');
    await listed.getByRole('link', { name: title }).click();
    await page.getByRole('button', { name: 'Republish' }).click();
    await page.getByText(`Republished. Homeowners can see “${title}” again.`).waitFor();
    expect(await queryStatus(claimant, 'documents.get', { id: created.id })).toBe(200);
    expect(watch.take()).toEqual([]);
  });

  it('issues an invite code, copies it, and revokes it after confirming', async () => {
    await page.goto(`${portal.url}/developments?development=${meadowView.id}`);
    const claimed = page.getByRole('button', { name: /manage codes for plot 1$/ });
    expect(await claimed.textContent()).toMatch(/^Claimed/);
    const manage = page.getByRole('button', { name: /manage codes for plot 2$/ });
    expect(await manage.textContent()).toMatch(/^1 open code/);
    await expectGoodPage(page, `staff-05-homes-${size}`);
    await manage.click();
    const panel = page.getByRole('region', { name: 'Invite codes for plot 2' });
    await panel.getByRole('button', { name: 'Issue a code for plot 2' }).click();
    const banner = panel.getByRole('status').filter({ hasText: 'New code for plot 2' });
    await banner.getByText(`New code for plot 2, ${plot(2).address}.`, { exact: false }).waitFor();
    const code = (await banner.locator('.oh-code').textContent())!;
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await banner.getByRole('button', { name: 'Copy code' }).click();
    await banner.getByText('Copied.').waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await expectGoodPage(page, `staff-06-code-issued-${size}`);

    const hint = code.replace(/-/g, '').slice(-4);
    await panel.getByRole('button', { name: `Revoke the code ending ${hint}` }).click();
    const confirm = panel.getByRole('group', { name: 'Confirm revoking' });
    await confirm.getByText(`Revoke the code ending ${hint}?`).waitFor();
    await expectGoodPage(page, `staff-07-revoke-confirm-${size}`);
    await confirm.getByRole('button', { name: 'Yes, revoke it' }).click();
    await panel.getByText(`Code ending ${hint} revoked: it can no longer be used.`).waitFor();
    // The banner no longer shows a code that does not work.
    expect(await page.getByText(code).count()).toBe(0);
    await expect.poll(async () => (await manage.textContent()) ?? '').toMatch(/^1 open code/);
    expect(watch.take()).toEqual([]);
  });

  it('answers a chat knowing who the homeowner is and how they like to be contacted', async () => {
    const subject = `Dripping tap (${size})`;
    await page.goto(`${portal.url}/inbox`);
    const line = page.getByRole('article').filter({ hasText: subject });
    await line.getByText('1 unread').first().waitFor();
    await line.getByText(writer.displayName).first().waitFor();
    await line
      .getByText(`Plot 5, ${plot(5).address}`, { exact: false })
      .first()
      .waitFor();
    await line
      .getByText(/Prefers email/)
      .first()
      .waitFor();
    await expectGoodPage(page, `staff-08-inbox-${size}`);
    await line.getByRole('link', { name: subject }).click();
    const details = page.getByRole('definition').filter({ hasText: writer.displayName });
    await details.waitFor();
    await page.getByText('The kitchen tap drips.').waitFor();
    await page.getByLabel('Your reply').fill('A plumber will call on Monday.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await page.getByText('A plumber will call on Monday.').waitFor();
    await expectGoodPage(page, `staff-09-inbox-thread-${size}`);
    await page.getByRole('link', { name: '← All conversations' }).click();
    await page
      .getByRole('article')
      .filter({ hasText: subject })
      .getByText(/Support team: A plumber/)
      .waitFor();
    expect(await page.getByRole('article').filter({ hasText: subject }).getByText('1 unread').count()).toBe(
      0,
    );
    expect(watch.take()).toEqual([]);
  });

  it('keeps analytics filters in the URL and the pool history across a reload', async () => {
    await page.goto(`${portal.url}/analytics`);
    await page.getByRole('heading', { name: 'Activity per day' }).waitFor();
    await page.getByLabel('Period').selectOption({ label: 'Last 7 days' });
    await page.waitForURL(/days=7/);
    await page.reload();
    expect(await page.getByLabel('Period').inputValue()).toBe('7');
    await page.locator('.oh-chart-plot canvas').first().waitFor();
    await page.getByRole('cell', { name: '“Can I keep chickens in the back garden?”' }).first().waitFor();
    await page.getByText('Pages viewed').first().waitFor();
    expect(await page.getByText('page.view').count()).toBe(0);
    await expectGoodPage(page, `staff-10-analytics-${size}`);

    await page.goto(`${portal.url}/operations`);
    await page.locator('.oh-chart-plot canvas').first().waitFor();
    await page.getByRole('heading', { name: /^Connections/ }).waitFor();
    await page.reload();
    await expect
      .poll(async () => (await page.getByRole('heading', { name: /^Connections/ }).textContent()) ?? '', {
        timeout: 15_000,
      })
      .toMatch(/^Connections over the last \d+ (s|min)$/);
    await expectGoodPage(page, `staff-11-operations-${size}`);
    expect(watch.take()).toEqual([]);
  });

  it.runIf(viewport === VIEWPORTS.phone)('has a menu button that opens the main menu', async () => {
    await page.goto(`${portal.url}/inbox`);
    const menu = page.getByRole('button', { name: 'Menu' });
    expect(await page.getByRole('link', { name: 'Analytics' }).isVisible()).toBe(false);
    await menu.click();
    await page.getByRole('link', { name: 'Analytics' }).click();
    await page.waitForURL(/\/analytics$/);
    // The menu closes on the new page; its link to this page is marked current.
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(
      await page.getByRole('link', { name: 'Analytics', includeHidden: true }).getAttribute('aria-current'),
    ).toBe('page');
  });
});
