import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { pgErrorOf, type Database, type RlsClaims } from '@openhouse/db';

import { claimsFor, seedUser } from '@openhouse/harness/identities';
import { createTestDatabase, type TestDatabase } from '@openhouse/harness/test-database';
import { APP_ROLE } from '@openhouse/harness/urls';

/**
 * The RLS matrix: every table × SELECT / INSERT / UPDATE / DELETE × every kind of caller, against
 * the real policies, then the attacks of issue 12 one by one. Each attempt runs in a transaction
 * of its own that is rolled back, so every attempt sees the same rows.
 *
 * All of it runs twice: with the grants the migrations give, and again after Supabase's default
 * `grant all on all tables … to anon, authenticated` (and to the request roles). Correctness rests
 * on policies, triggers and keys, never on a grant that happens to be missing.
 *
 * Adding a table: give it a row in MATRIX (the first test fails until then), a column guard if a
 * request role may UPDATE it and a TRUNCATE guard (see migration 0007; a test below checks both).
 */

// --- Who asks ------------------------------------------------------------------------------------

const owner = seedUser('plot01.meadow-view@northfield.test'); // owns every target row below
const neighbour = seedUser('plot02.meadow-view@northfield.test'); // another house, same development
const otherDevelopment = seedUser('plot01.canal-wharf@northfield.test'); // same tenant
const tenantStaff = seedUser('staff1@northfield.test'); // every development of the tenant
const developmentStaff = seedUser('staff2@northfield.test'); // Meadow View only: the owner's
const otherTenantStaff = seedUser('staff1@harbourside.test');
// Only in the attacks:
const third = seedUser('plot03.meadow-view@northfield.test');
const otherTenantHomeowner = seedUser('plot01.quayside-gardens@harbourside.test');

interface Caller {
  /** What the caller's column of the matrix shows when an attempt goes through. */
  letter: string;
  name: string;
  claims?: RlsClaims;
  /** A Supabase role set by a prelude of its own, instead of `withRls` (which picks the role). */
  role?: 'anon' | 'authenticated';
}

/**
 * The matrix's columns. `a` and `u` carry the owner's claims under the roles `anon` and
 * `authenticated` (the worst case: valid claims, the wrong role); `0` is the login role with no
 * prelude at all.
 */
const CALLERS: Caller[] = [
  { letter: 'h', name: 'the homeowner', claims: claimsFor(owner) },
  { letter: 'n', name: 'another house’s homeowner', claims: claimsFor(neighbour) },
  { letter: 'o', name: 'another development’s homeowner', claims: claimsFor(otherDevelopment) },
  { letter: 'T', name: 'tenant-wide staff', claims: claimsFor(tenantStaff) },
  { letter: 'D', name: 'the development’s staff', claims: claimsFor(developmentStaff) },
  { letter: 'X', name: 'another tenant’s staff', claims: claimsFor(otherTenantStaff) },
  { letter: 'a', name: 'anon', role: 'anon', claims: claimsFor(owner) },
  { letter: 'u', name: 'authenticated', role: 'authenticated', claims: claimsFor(owner) },
  { letter: '0', name: 'no claims' },
];
const caller = (letter: string) => CALLERS.find((candidate) => candidate.letter === letter)!;
const signedInAs = (user: typeof owner): Caller => ({
  letter: 'i',
  name: user.email,
  claims: claimsFor(user),
});
/** A seeded user's token with claims changed: what a broken issuer might sign. */
const inconsistent = (changes: Partial<RlsClaims>, user = owner): Caller => ({
  letter: 'i',
  name: `${user.email}’s token with ${JSON.stringify(changes)}`,
  claims: { ...claimsFor(user), ...changes },
});

// --- What is asked -------------------------------------------------------------------------------

/** Rows the fixture adds; with the seeded ids, what every statement aims at. */
interface Fixture {
  notice: string;
  document: string;
  thread: string;
  message: string;
  event: string;
  invite: string;
  question: string;
  neighbourThread: string;
  otherDevelopmentThread: string;
  otherDevelopmentDocument: string;
  /** A development-wide document of the owner's development, withdrawn, with a passage. */
  withdrawnDocument: string;
  /** A development-wide notice of the owner's development, read by the owner and the neighbour. */
  readNotice: string;
  otherTenantNotice: string;
}
type Statements = (f: Fixture) => string | string[];

const COMMANDS = ['select', 'insert', 'update', 'delete'] as const;
type Command = (typeof COMMANDS)[number];
interface Cell {
  statements: Statements;
  /** The letters of the callers that get through, `.` for each refused. */
  expect: string;
  /** Admin SQL around each attempt, for a cell that needs the target row absent. */
  setup?: string;
  teardown?: string;
}

/** A quoted uuid: every value spliced into a statement is an id from the seed or the fixture. */
const id = (value: string) => `'${value}'::uuid`;
const T = id(owner.tenantId);
const D = id(owner.developmentId!);
const H = id(owner.houseId!);
const U = id(owner.id);
const NONE = '.........';

/** A passage filed under the owner's tenant and development: of `document`, for `house` (or none). */
const passage = (document: string, house: string | null) =>
  `insert into document_passages (tenant_id, development_id, house_id, document_id, position, content)
   values (${T}, ${D}, ${house ?? 'null'}, ${id(document)}, 999, 'Matrix')`;

/** SELECT, UPDATE and DELETE of the rows `where` picks, and one INSERT. Nobody may DELETE. */
function table(
  where: (f: Fixture) => string,
  insert: Statements,
  set: string,
  expect: { select: string; insert: string; update: string },
  around: Pick<Cell, 'setup' | 'teardown'> = {},
): (name: string) => Record<Command, Cell> {
  return (name) => ({
    select: { statements: (f) => `select 1 from ${name} where ${where(f)}`, expect: expect.select },
    insert: { statements: insert, expect: expect.insert, ...around },
    update: { statements: (f) => `update ${name} set ${set} where ${where(f)}`, expect: expect.update },
    delete: { statements: (f) => `delete from ${name} where ${where(f)}`, expect: NONE },
  });
}

/*
 * The matrix. Every row aims at the owner's tenant, development, house or person. Columns:
 *
 *   h  the homeowner                       T  tenant-wide staff          a  anon  (owner's claims)
 *   n  another house's homeowner           D  the development's staff    u  authenticated (same)
 *   o  another development's homeowner     X  another tenant's staff     0  no claims (login role)
 *
 * e.g. 'h..TD....': the homeowner and their tenant's staff (both kinds); nobody else.
 */
const MATRIX_SPEC: Record<string, ReturnType<typeof table>> = {
  tenants: table(
    () => `tenant_id = ${T}`,
    () => `insert into tenants (tenant_id, name, slug) values (gen_random_uuid(), 'Matrix', 'matrix')`,
    `name = 'Matrix'`,
    { select: 'hnoTD....', insert: NONE, update: NONE },
  ),
  developments: table(
    () => `id = ${D}`,
    () => `insert into developments (id, tenant_id, name, slug, town)
      values (gen_random_uuid(), ${T}, 'Matrix', 'matrix', 'Matrix')`,
    `name = 'Matrix'`,
    { select: 'hn.TD....', insert: NONE, update: NONE },
  ),
  houses: table(
    () => `id = ${H}`,
    () => `insert into houses (id, tenant_id, development_id, plot_number, address)
      values (gen_random_uuid(), ${T}, ${D}, 999, 'Matrix')`,
    `address = 'Matrix'`,
    { select: 'h..TD....', insert: NONE, update: NONE },
  ),
  profiles: table(
    () => `id = ${U}`,
    () => `insert into profiles (id, tenant_id, development_id, house_id, app_role, email, display_name)
      values (gen_random_uuid(), ${T}, ${D}, ${H}, 'homeowner', 'matrix@matrix.test', 'Matrix')`,
    `display_name = 'Matrix'`,
    { select: 'h..TD....', insert: NONE, update: 'h........' },
  ),
  notices: table(
    (f) => `id = ${id(f.notice)}`,
    () =>
      `insert into notices (development_id, house_id, title, body) values (${D}, ${H}, 'Matrix', 'Matrix')`,
    `title = 'Matrix'`,
    { select: 'h..TD....', insert: '...TD....', update: NONE },
  ),
  documents: table(
    (f) => `id = ${id(f.document)}`,
    () => `insert into documents (development_id, house_id, title, category, body)
      values (${D}, ${H}, 'Matrix', 'warranty', 'Matrix')`,
    `title = 'Matrix'`,
    // Staff of the scope edit and withdraw documents (migration 0010).
    { select: 'h..TD....', insert: '...TD....', update: '...TD....' },
  ),
  document_passages: table(
    (f) => `document_id = ${id(f.document)}`,
    (f) => passage(f.document, H),
    `content = 'Matrix'`,
    { select: 'h..TD....', insert: '...TD....', update: NONE },
  ),
  chat_threads: table(
    (f) => `id = ${id(f.thread)}`,
    () => `insert into chat_threads (development_id, house_id, homeowner_id, subject)
      values (${D}, ${H}, ${U}, 'Matrix')`,
    `last_message_at = now()`,
    { select: 'h..TD....', insert: 'h........', update: 'h..TD....' },
  ),
  chat_messages: table(
    (f) => `id = ${id(f.message)}`,
    (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, body)
      values (${D}, ${id(f.thread)}, ${U}, 'Matrix')`,
    `body = 'Matrix'`,
    { select: 'h..TD....', insert: 'h..TD....', update: NONE },
  ),
  onboarding_progress: table(
    () => `user_id = ${U}`,
    () => `insert into onboarding_progress (user_id, development_id, house_id) values (${U}, ${D}, ${H})`,
    `updated_at = now()`,
    { select: 'h..TD....', insert: 'h........', update: 'h........' },
    // One row per person: the owner's is taken away for the INSERT and put back after.
    {
      setup: `delete from onboarding_progress where user_id = ${U}`,
      teardown: `insert into onboarding_progress (user_id, tenant_id, development_id, house_id, completed_steps)
        values (${U}, ${T}, ${D}, ${H}, '{claim}') on conflict do nothing`,
    },
  ),
  analytics_events: table(
    (f) => `id = ${f.event}`,
    () => `insert into analytics_events (development_id, name) values (${D}, 'matrix')`,
    `name = 'matrix'`,
    // Everyone records their own events in their own development; only staff read them.
    { select: '...TD....', insert: 'hn.TD....', update: NONE },
  ),
  house_invites: table(
    (f) => `id = ${id(f.invite)}`,
    () => `insert into house_invites (development_id, house_id, code_hash, code_hint)
      values (${D}, ${H}, md5(random()::text), 'MTRX')`,
    `revoked_at = now()`,
    { select: '...TD....', insert: '...TD....', update: '...TD....' },
  ),
  assistant_questions: table(
    (f) => `id = ${id(f.question)}`,
    () => `insert into assistant_questions (development_id, house_id, question, answer, answered_by)
      values (${D}, ${H}, 'Matrix?', 'Matrix.', 'none')`,
    `answer = 'Matrix'`,
    { select: 'h..TD....', insert: 'h........', update: NONE },
  ),
  analytics_daily: table(
    () => `tenant_id = ${T} and development_id = ${D}`,
    () => `insert into analytics_daily (tenant_id, development_id, day, name, events)
      values (${T}, ${D}, '2000-01-01', 'matrix', 1)`,
    `events = events + 1`,
    { select: '...TD....', insert: NONE, update: NONE },
  ),
  analytics_people: table(
    () => `tenant_id = ${T} and development_id = ${D} and user_id = ${U}`,
    () => `insert into analytics_people (tenant_id, development_id, user_id, homeowner, last_active_on)
      values (${T}, ${D}, ${id(neighbour.id)}, true, current_date)`,
    `last_active_on = current_date`,
    { select: '...TD....', insert: NONE, update: NONE },
  ),
  development_stats: table(
    () => `development_id = ${D}`,
    // The development has its row already: a role allowed to insert would hit 23505, loudly.
    () => `insert into development_stats (tenant_id, development_id, notices) values (${T}, ${D}, 0)`,
    `notices = notices + 1`,
    { select: '...TD....', insert: NONE, update: NONE },
  ),
  // Each caller's own: the rows aimed at are the owner's, so only the owner passes. An UPDATE
  // replaces only an expired key (older than 24 h); the fixture's key is fresh, so nobody may.
  idempotency_keys: table(
    () => `tenant_id = ${T} and user_id = ${U}`,
    () => `insert into idempotency_keys (tenant_id, user_id, key, request_hash, response)
      values (${T}, ${U}, 'matrix-insert', 'hash', '{}')`,
    `response = '{"changed":true}'`,
    { select: 'h........', insert: 'h........', update: NONE },
  ),
  // Each homeowner's own reads (migration 0011), added only for a notice they can see: the target
  // notice is the owner's house's. Staff see none.
  notice_reads: table(
    () => `tenant_id = ${T} and user_id = ${U}`,
    (f) => `insert into notice_reads (notice_id) values (${id(f.notice)})`,
    `read_at = now()`,
    { select: 'h........', insert: 'h........', update: NONE },
  ),
};
const MATRIX = Object.fromEntries(Object.entries(MATRIX_SPEC).map(([name, spec]) => [name, spec(name)]));

interface Attempt {
  /** The point of issue 12 it belongs to. */
  point: number;
  name: string;
  caller: Caller;
  statements: Statements;
}

const otherHouse = id(otherDevelopment.houseId!);
const otherDevelopmentId = id(otherDevelopment.developmentId!);
const neighbourHouse = id(neighbour.houseId!);

/** The attacks of issue 12 and the holes next to them. Each must be refused. */
const ATTACKS: Attempt[] = [
  // 1. Chat messages outside a thread the writer may see.
  {
    point: 1,
    name: 'a homeowner posts into another development’s homeowner’s thread, labelled as their own',
    caller: caller('h'),
    statements: (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, body)
      values (${D}, ${id(f.otherDevelopmentThread)}, ${U}, 'x')`,
  },
  {
    point: 1,
    name: 'a homeowner posts into the neighbour’s thread, labelled as their own',
    caller: caller('h'),
    statements: (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, body)
      values (${D}, ${id(f.neighbourThread)}, ${U}, 'x')`,
  },
  {
    point: 1,
    name: 'one development’s staff post into another development’s thread, labelled with their own',
    caller: caller('D'),
    statements: (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, body)
      values (${D}, ${id(f.otherDevelopmentThread)}, ${id(otherDevelopment.id)}, 'x')`,
  },
  {
    point: 1,
    name: 'tenant staff file a message under another homeowner than its thread’s',
    caller: caller('T'),
    statements: (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, body)
      values (${otherDevelopmentId}, ${id(f.otherDevelopmentThread)}, ${U}, 'x')`,
  },
  {
    point: 1,
    name: 'staff post a message in the homeowner’s name',
    caller: caller('T'),
    statements: (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, author_id, body)
      values (${D}, ${id(f.thread)}, ${U}, ${U}, 'x')`,
  },
  // 2. Analytics outside the writer's development.
  {
    point: 2,
    name: 'one development’s staff record an event in another development of the tenant',
    caller: caller('D'),
    statements: () =>
      `insert into analytics_events (development_id, name) values (${otherDevelopmentId}, 'x')`,
  },
  // 3. Columns the writer should not choose, steps not earned, statements RLS does not see.
  {
    point: 3,
    name: 'a homeowner marks their thread read for staff',
    caller: caller('h'),
    statements: (f) => `update chat_threads set staff_read_at = now() where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'a homeowner backdates their thread',
    caller: caller('h'),
    statements: (f) =>
      `update chat_threads set created_at = now() - interval '1 year' where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'a homeowner rewrites their thread’s subject',
    caller: caller('h'),
    statements: (f) => `update chat_threads set subject = 'x' where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'a homeowner moves their thread to the neighbour’s house',
    caller: caller('h'),
    statements: (f) => `update chat_threads set house_id = ${neighbourHouse} where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'a homeowner opens a thread that staff have already read',
    caller: caller('h'),
    statements:
      () => `insert into chat_threads (development_id, house_id, homeowner_id, subject, staff_read_at)
      values (${D}, ${H}, ${U}, 'x', now())`,
  },
  {
    point: 3,
    name: 'a homeowner backdates a message',
    caller: caller('h'),
    statements: (f) => `insert into chat_messages (development_id, thread_id, homeowner_id, body, created_at)
      values (${D}, ${id(f.thread)}, ${U}, 'x', now() - interval '1 day')`,
  },
  {
    point: 3,
    name: 'staff mark a thread read for the homeowner',
    caller: caller('T'),
    statements: (f) => `update chat_threads set homeowner_read_at = now() where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'staff hand a thread to another homeowner',
    caller: caller('T'),
    statements: (f) =>
      `update chat_threads set homeowner_id = ${id(neighbour.id)} where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'a homeowner records every onboarding step without claiming an invite',
    caller: caller('n'),
    statements: () => `insert into onboarding_progress (user_id, development_id, house_id, completed_steps)
      values (${id(neighbour.id)}, ${D}, ${neighbourHouse}, '{claim,profile,documents}')`,
  },
  {
    point: 3,
    name: 'a homeowner adds the claim step to their progress without claiming an invite',
    caller: signedInAs(third),
    statements: () =>
      `update onboarding_progress set completed_steps = '{claim}' where user_id = ${id(third.id)}`,
  },
  {
    point: 3,
    name: 'a homeowner makes their profile a developer’s',
    caller: caller('h'),
    statements: () => `update profiles set app_role = 'developer', development_id = null, house_id = null
      where id = ${U}`,
  },
  {
    point: 3,
    name: 'a homeowner moves their profile to the neighbour’s house',
    caller: caller('h'),
    statements: () => `update profiles set house_id = ${neighbourHouse} where id = ${U}`,
  },
  {
    point: 3,
    name: 'a homeowner changes the e-mail they sign in with',
    caller: caller('h'),
    statements: () => `update profiles set email = 'matrix@matrix.test' where id = ${U}`,
  },
  {
    point: 3,
    name: 'one development’s staff widen their own profile to the whole tenant',
    caller: caller('D'),
    statements: () => `update profiles set development_id = null where id = ${id(developmentStaff.id)}`,
  },
  {
    point: 3,
    name: 'staff mark an invite used by a homeowner',
    caller: caller('T'),
    statements: (f) => `update house_invites set used_at = now(), used_by = ${U} where id = ${id(f.invite)}`,
  },
  {
    point: 3,
    name: 'staff move an invite to another house',
    caller: caller('T'),
    statements: (f) => `update house_invites set house_id = ${neighbourHouse} where id = ${id(f.invite)}`,
  },
  {
    point: 3,
    name: 'staff issue an invite that is already used',
    caller: caller('T'),
    statements:
      () => `insert into house_invites (development_id, house_id, code_hash, code_hint, used_at, used_by)
      values (${D}, ${H}, md5(random()::text), 'MTRX', now(), ${U})`,
  },
  {
    point: 3,
    name: 'staff post a notice in a colleague’s name',
    caller: caller('D'),
    statements: () => `insert into notices (development_id, title, body, author_id)
      values (${D}, 'x', 'y', ${id(tenantStaff.id)})`,
  },
  {
    point: 3,
    name: 'a homeowner truncates the notices',
    caller: caller('h'),
    // With the table whose key references them: alone, TRUNCATE would stop at that reference.
    statements: () => `truncate notices, notice_reads`,
  },
  {
    point: 3,
    name: 'tenant staff truncate the analytics events',
    caller: caller('T'),
    statements: () => `truncate analytics_events`,
  },
  {
    point: 3,
    name: 'a homeowner attaches a trigger that fails everyone’s messages',
    caller: caller('h'),
    statements: () => `create trigger matrix before insert on chat_messages
      for each statement execute function suppress_redundant_updates_trigger()`,
  },
  // 4. References across developments and tenants.
  {
    point: 4,
    name: 'tenant staff file a passage of one development under another development’s document',
    caller: caller('T'),
    statements: (f) => passage(f.otherDevelopmentDocument, null),
  },
  {
    point: 4,
    name: 'one development’s staff file their passage under another development’s document',
    caller: caller('D'),
    statements: (f) => passage(f.otherDevelopmentDocument, null),
  },
  {
    point: 4,
    name: 'staff give a passage a house of another development',
    caller: caller('T'),
    statements: (f) => passage(f.document, otherHouse),
  },
  {
    point: 4,
    name: 'staff make a passage of a one-house document readable by the whole development',
    caller: caller('T'),
    statements: (f) => passage(f.document, null),
  },
  {
    point: 4,
    name: 'staff issue an invite used by another tenant’s homeowner',
    caller: caller('T'),
    statements:
      () => `insert into house_invites (development_id, house_id, code_hash, code_hint, used_at, used_by)
      values (${D}, ${H}, md5(random()::text), 'MTRX', now(), ${id(otherTenantHomeowner.id)})`,
  },
  {
    point: 4,
    name: 'a token naming another tenant’s homeowner as sub opens a thread in their name',
    caller: inconsistent({ sub: otherTenantHomeowner.id }),
    statements: () => `insert into chat_threads (development_id, house_id, homeowner_id, subject)
      values (${D}, ${H}, ${id(otherTenantHomeowner.id)}, 'x')`,
  },
  // Documents staff edit and withdraw (issue 15): only inside their scope, only the content.
  {
    point: 3,
    name: 'tenant staff move a document to another development of the tenant',
    caller: caller('T'),
    statements: (f) =>
      `update documents set development_id = ${otherDevelopmentId} where id = ${id(f.document)}`,
  },
  {
    point: 3,
    name: 'one development’s staff move a document to another tenant',
    caller: caller('D'),
    statements: (f) =>
      `update documents set tenant_id = ${id(otherTenantStaff.tenantId)} where id = ${id(f.document)}`,
  },
  {
    point: 4,
    name: 'staff send a document to a house of another development',
    caller: caller('T'),
    statements: (f) => `update documents set house_id = ${otherHouse} where id = ${id(f.document)}`,
  },
  {
    point: 3,
    name: 'staff claim a colleague’s document as their own',
    caller: caller('D'),
    statements: (f) =>
      `update documents set created_by = ${id(developmentStaff.id)} where id = ${id(f.document)}`,
  },
  {
    point: 3,
    name: 'staff backdate a document’s publication',
    caller: caller('D'),
    statements: (f) =>
      `update documents set created_at = now() - interval '1 year' where id = ${id(f.document)}`,
  },
  {
    point: 3,
    name: 'staff choose when a document was last edited',
    caller: caller('T'),
    statements: (f) =>
      `update documents set updated_at = now() - interval '1 day' where id = ${id(f.document)}`,
  },
  {
    point: 3,
    name: 'staff publish a document already edited',
    caller: caller('T'),
    statements: () => `insert into documents (development_id, title, category, body, updated_at)
      values (${D}, 'x', 'warranty', 'y', now())`,
  },
  {
    point: 3,
    name: 'a homeowner reads a withdrawn document',
    caller: caller('h'),
    statements: (f) => `select 1 from documents where id = ${id(f.withdrawnDocument)}`,
  },
  {
    point: 3,
    name: 'a homeowner reads a withdrawn document’s passages',
    caller: caller('h'),
    statements: (f) => `select 1 from document_passages where document_id = ${id(f.withdrawnDocument)}`,
  },
  {
    point: 3,
    name: 'staff file a live passage under a withdrawn document',
    caller: caller('D'),
    statements: (f) => passage(f.withdrawnDocument, null),
  },
  {
    point: 3,
    name: 'staff make a withdrawn document’s passages live again without republishing it',
    caller: caller('T'),
    statements: (f) =>
      `update document_passages set withdrawn = false where document_id = ${id(f.withdrawnDocument)}`,
  },
  // Notice reads (issue 15): one's own, of a notice one can see, read now.
  {
    point: 3,
    name: 'a homeowner marks a notice read for their neighbour',
    caller: caller('h'),
    statements: (f) =>
      `insert into notice_reads (user_id, notice_id) values (${id(neighbour.id)}, ${id(f.notice)})`,
  },
  {
    point: 3,
    name: 'a homeowner backdates their read of a notice',
    caller: caller('h'),
    statements: (f) =>
      `insert into notice_reads (notice_id, read_at) values (${id(f.notice)}, now() - interval '1 day')`,
  },
  {
    point: 3,
    name: 'a homeowner sees which notices the neighbour has read',
    caller: caller('h'),
    statements: () => `select 1 from notice_reads where user_id = ${id(neighbour.id)}`,
  },
  {
    point: 3,
    name: 'a homeowner takes back having read a notice',
    caller: caller('h'),
    statements: (f) => `delete from notice_reads where notice_id = ${id(f.readNotice)}`,
  },
  {
    point: 4,
    name: 'a homeowner marks another tenant’s notice read',
    caller: caller('h'),
    statements: (f) => `insert into notice_reads (notice_id) values (${id(f.otherTenantNotice)})`,
  },
  {
    point: 4,
    name: 'a homeowner files a read of another tenant’s notice under that tenant',
    caller: caller('h'),
    statements: (f) => `insert into notice_reads (tenant_id, notice_id)
      values (${id(otherTenantHomeowner.tenantId)}, ${id(f.otherTenantNotice)})`,
  },
  {
    point: 3,
    name: 'staff mark a notice read in a homeowner’s name',
    caller: caller('D'),
    statements: (f) =>
      `insert into notice_reads (tenant_id, user_id, notice_id) values (${T}, ${U}, ${id(f.notice)})`,
  },
  {
    point: 3,
    name: 'staff see which notices a homeowner has read',
    caller: caller('T'),
    statements: () => `select 1 from notice_reads where tenant_id = ${T}`,
  },
  // 8. Temp objects shadow real tables for unqualified names on a pooled session.
  {
    point: 8,
    name: 'a homeowner creates a temp table named like a real one',
    caller: caller('h'),
    statements: () => `create temp table notices (id uuid)`,
  },
  // 9. Claims that do not fit together see nothing extra, and write nothing.
  {
    point: 9,
    name: 'a token whose house is in another development sees that house',
    caller: inconsistent({ house_id: otherDevelopment.houseId! }),
    statements: () => `select 1 from houses where id = ${otherHouse}`,
  },
  {
    point: 9,
    name: 'a token whose house is in another development sees that house’s notices',
    caller: inconsistent({ house_id: otherDevelopment.houseId! }),
    statements: () => `select 1 from notices where house_id = ${otherHouse}`,
  },
  {
    point: 9,
    name: 'a token whose development is not its house’s sees the house',
    caller: inconsistent({ development_id: otherDevelopment.developmentId! }),
    statements: () => `select 1 from houses where id = ${H}`,
  },
  {
    point: 9,
    name: 'a token whose development is not its house’s sees the house’s notices',
    caller: inconsistent({ development_id: otherDevelopment.developmentId! }),
    statements: () => `select 1 from notices where house_id = ${H}`,
  },
  {
    point: 9,
    name: 'a token of another tenant carrying this development and house sees the house',
    caller: inconsistent({ tenant_id: otherTenantStaff.tenantId }),
    statements: () => `select 1 from houses where id = ${H}`,
  },
  {
    point: 9,
    name: 'a token whose house is in another development records onboarding there',
    caller: inconsistent({ house_id: otherDevelopment.houseId! }, neighbour),
    statements: () => `insert into onboarding_progress (user_id, development_id, house_id)
      values (${id(neighbour.id)}, ${D}, ${otherHouse})`,
  },
];

/** A code for an extra invite of the neighbour's house, claimed by the first control. */
const NEIGHBOUR_CODE = 'MATRIX234567';

/** What the app does, next to the attacks: a refusal above is not everything being refused. */
const CONTROLS: Attempt[] = [
  {
    point: 3,
    name: 'a homeowner records the claim step right after claiming their invite',
    caller: signedInAs(neighbour),
    statements: () => [
      `select private.claim_house_invite('${NEIGHBOUR_CODE}') = 'claimed' as ok`,
      `insert into onboarding_progress (user_id, development_id, house_id, completed_steps)
       values (${id(neighbour.id)}, ${D}, ${neighbourHouse}, '{claim}')`,
    ],
  },
  {
    point: 3,
    name: 'a homeowner who claimed records the next steps',
    caller: caller('h'),
    statements: () =>
      `update onboarding_progress set completed_steps = '{claim,profile}' where user_id = ${U}`,
  },
  {
    point: 3,
    name: 'a homeowner marks their own side of their thread read',
    caller: caller('h'),
    statements: (f) =>
      `update chat_threads set homeowner_read_at = now(), last_message_at = now() where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'staff mark their own side of a thread read',
    caller: caller('D'),
    statements: (f) => `update chat_threads set staff_read_at = now() where id = ${id(f.thread)}`,
  },
  {
    point: 3,
    name: 'a homeowner sets their contact details',
    caller: caller('h'),
    statements: () =>
      `update profiles set contact_channel = 'sms', contact_phone = '07700 900123' where id = ${U}`,
  },
  {
    point: 3,
    name: 'staff revoke an invite',
    caller: caller('D'),
    statements: (f) => `update house_invites set revoked_at = now() where id = ${id(f.invite)}`,
  },
  {
    point: 3,
    name: 'a homeowner marks a development-wide notice read',
    caller: caller('n'),
    statements: () => `insert into notice_reads (notice_id)
      select id from notices where development_id = ${D} and house_id is null
      and id not in (select notice_id from notice_reads) limit 1`,
  },
  {
    point: 4,
    name: 'staff add a passage of a one-house document for that house',
    caller: caller('D'),
    statements: (f) => passage(f.document, H),
  },
  // The last statement of each passes only when the database did what the edit implies.
  {
    point: 3,
    name: 'staff edit a document’s text, and its old passages go',
    caller: caller('D'),
    statements: (f) => [
      `update documents set body = 'New text.', title = 'New title' where id = ${id(f.document)}`,
      `select 1 where not exists (select 1 from document_passages where document_id = ${id(f.document)})
         and (select updated_at = now() from documents where id = ${id(f.document)})`,
    ],
  },
  {
    point: 3,
    name: 'staff send a document to another home of its development',
    caller: caller('T'),
    statements: (f) => [
      `update documents set house_id = ${neighbourHouse} where id = ${id(f.document)}`,
      `select 1 where not exists (select 1 from document_passages where document_id = ${id(f.document)})`,
    ],
  },
  {
    point: 3,
    name: 'staff retitle a document, keeping its passages',
    caller: caller('D'),
    statements: (f) => [
      `update documents set title = 'Plot 1 keys', category = 'keys' where id = ${id(f.document)}`,
      `select 1 from document_passages where document_id = ${id(f.document)}`,
    ],
  },
  {
    point: 3,
    name: 'staff withdraw a document, and its passages with it',
    caller: caller('D'),
    statements: (f) => [
      `update documents set withdrawn_at = now() where id = ${id(f.document)}`,
      `select 1 from document_passages where document_id = ${id(f.document)} and withdrawn`,
    ],
  },
  {
    point: 3,
    name: 'staff republish a withdrawn document, and its passages with it',
    caller: caller('T'),
    statements: (f) => [
      `update documents set withdrawn_at = null where id = ${id(f.withdrawnDocument)}`,
      `select 1 from document_passages where document_id = ${id(f.withdrawnDocument)} and not withdrawn`,
    ],
  },
];

// --- How an attempt runs -------------------------------------------------------------------------

/** A refusal: no privilege, a policy or a guard (42501), a reference outside the caller's scope (23503). */
const REFUSED = new Set(['42501', '23503']);

let testDb: TestDatabase;
let database: Database;
let fixture: Fixture;

interface Result {
  rowCount: number | null;
}
class Rollback extends Error {}

/**
 * Runs `statements` as `who` in one transaction that is always rolled back; the result is the
 * last statement's. Callers with an app role go through `withRls`, exactly as a request does;
 * `anon`, `authenticated` and the bare login role through a pooled connection of their own.
 */
async function runAs(who: Caller, statements: string[]): Promise<Result> {
  let result: Result = { rowCount: 0 };
  if (who.claims && !who.role) {
    let finished = false;
    try {
      await database.withRls(who.claims, async (tx) => {
        for (const statement of statements) result = (await tx.execute(sql.raw(statement))) as Result;
        finished = true;
        throw new Rollback();
      });
    } catch (error) {
      if (!finished) throw error; // after `finished`, the only error is the Rollback (perhaps wrapped)
    }
    return result;
  }
  const client = await database.pool.connect(); // allowed here: this file is inside packages/db
  let broken: Error | undefined;
  try {
    await client.query('begin');
    if (who.role) {
      await client.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [
        who.role,
        JSON.stringify(who.claims),
      ]);
    }
    for (const statement of statements) result = await client.query(statement);
    return result;
  } finally {
    await client.query('rollback').catch((error: Error) => (broken = error));
    client.release(broken);
  }
}

/**
 * The caller's letter when the statements went through — touching a row, for a statement that
 * touches rows — and `.` when refused or when no row was reachable.
 */
async function attempt(who: Caller, statements: Statements, cell: Pick<Cell, 'setup' | 'teardown'> = {}) {
  const list = [statements(fixture)].flat();
  if (cell.setup) await testDb.adminQuery(cell.setup);
  try {
    const { rowCount } = await runAs(who, list);
    return rowCount === null || rowCount > 0 ? who.letter : '.'; // null: DDL, TRUNCATE
  } catch (error) {
    const code = pgErrorOf(error)?.code;
    if (code && REFUSED.has(code)) return '.';
    // Anything else (a syntax error, a check constraint) is a broken attempt, not a refusal.
    throw new Error(`${who.name}: ${list.join('; ')}: ${String(error)}`, { cause: error });
  } finally {
    if (cell.teardown) await testDb.adminQuery(cell.teardown);
  }
}

// --- The rows everything aims at -------------------------------------------------------------------

beforeAll(async () => {
  testDb = await createTestDatabase();
  database = testDb.connect();
  const one = async (text: string, params: unknown[]) => {
    const [row] = await testDb.adminQuery<{ id: string }>(text, params);
    if (!row) throw new Error(`fixture: no row for ${text}`);
    return row.id;
  };
  const thread = (who: typeof owner) =>
    one(
      `insert into chat_threads (tenant_id, development_id, house_id, homeowner_id, subject)
       values ($1, $2, $3, $4, 'Dripping tap') returning id`,
      [who.tenantId, who.developmentId, who.houseId, who.id],
    );
  const { tenantId: tenant, developmentId: development, houseId: house, id: user } = owner;
  // A one-house document of the owner's, with a passage, whatever the seed holds.
  const document = await one(
    `insert into documents (tenant_id, development_id, house_id, created_by, title, category, body)
     values ($1, $2, $3, $4, 'Plot 1 completion pack', 'completion', 'Keys and meters.') returning id`,
    [tenant, development, house, tenantStaff.id],
  );
  await testDb.adminQuery(
    `insert into document_passages (tenant_id, development_id, house_id, document_id, position, content)
     values ($1, $2, $3, $4, 0, 'Keys and meters.')`,
    [tenant, development, house, document],
  );
  const withdrawnDocument = await one(
    `insert into documents (tenant_id, development_id, created_by, title, category, body, withdrawn_at)
     values ($1, $2, $3, 'Old parking rules', 'parking', 'Park anywhere.', now()) returning id`,
    [tenant, development, tenantStaff.id],
  );
  await testDb.adminQuery(
    `insert into document_passages (tenant_id, development_id, document_id, position, content, withdrawn)
     values ($1, $2, $3, 0, 'Park anywhere.', true)`,
    [tenant, development, withdrawnDocument],
  );
  const readNotice = await one(
    `select id from notices where development_id = $1 and house_id is null limit 1`,
    [development],
  );
  for (const reader of [owner, neighbour]) {
    await testDb.adminQuery(`insert into notice_reads (tenant_id, user_id, notice_id) values ($1, $2, $3)`, [
      tenant,
      reader.id,
      readNotice,
    ]);
  }
  await testDb.adminQuery(
    `insert into idempotency_keys (tenant_id, user_id, key, request_hash, response)
     values ($1, $2, 'matrix-fixture', 'hash', '{}')`,
    [tenant, user],
  );
  const ownThread = await thread(owner);
  fixture = {
    notice: await one(`select id from notices where house_id = $1 limit 1`, [house]),
    document,
    thread: ownThread,
    message: await one(
      `insert into chat_messages (tenant_id, development_id, thread_id, homeowner_id, author_id, body)
       values ($1, $2, $3, $4, $4, 'The kitchen tap drips') returning id`,
      [tenant, development, ownThread, user],
    ),
    event: await one(
      `insert into analytics_events (tenant_id, development_id, user_id, name)
       values ($1, $2, $3, 'page.view') returning id`,
      [tenant, development, user],
    ),
    invite: await one(`select id from house_invites where house_id = $1`, [house]),
    question: await one(
      `insert into assistant_questions (tenant_id, development_id, house_id, user_id, question, answer, answered_by)
       values ($1, $2, $3, $4, 'When are bins collected?', 'Tuesday', 'passages') returning id`,
      [tenant, development, house, user],
    ),
    neighbourThread: await thread(neighbour),
    otherDevelopmentThread: await thread(otherDevelopment),
    otherDevelopmentDocument: await one(
      `select id from documents where development_id = $1 and house_id is null limit 1`,
      [otherDevelopment.developmentId],
    ),
    withdrawnDocument,
    readNotice,
    otherTenantNotice: await one(`select id from notices where tenant_id = $1 limit 1`, [
      otherTenantHomeowner.tenantId,
    ]),
  };
  // The owner claimed their house and started onboarding; the third house has progress with no
  // steps and an unused invite; the neighbour has an extra invite with a known code.
  await testDb.adminQuery(`update house_invites set used_at = now(), used_by = $1 where id = $2`, [
    user,
    fixture.invite,
  ]);
  for (const [who, steps] of [
    [owner, '{claim}'],
    [third, '{}'],
  ] as const) {
    await testDb.adminQuery(
      `insert into onboarding_progress (user_id, tenant_id, development_id, house_id, completed_steps)
       values ($1, $2, $3, $4, $5)`,
      [who.id, who.tenantId, who.developmentId, who.houseId, steps],
    );
  }
  await testDb.adminQuery(
    `insert into house_invites (tenant_id, development_id, house_id, code_hash, code_hint, created_by)
     values ($1, $2, $3, encode(sha256(convert_to($4, 'UTF8')), 'hex'), right($4, 4), $5)`,
    [neighbour.tenantId, neighbour.developmentId, neighbour.houseId, NEIGHBOUR_CODE, tenantStaff.id],
  );
});

afterAll(() => testDb?.drop());

// --- Two passes ----------------------------------------------------------------------------------

const label = (attempt: Attempt) => `${attempt.point}. ${attempt.name}`;

describe.each([
  { pass: 'with the grants the migrations give', broad: false },
  { pass: 'with Supabase’s default grants (grant all on all tables)', broad: true },
])('$pass', ({ broad }) => {
  beforeAll(async () => {
    if (broad) {
      await testDb.adminQuery(
        `grant all on all tables in schema public to anon, authenticated, homeowner, tenant_staff, development_staff`,
      );
    }
  });

  it('has a row for every table of the schema', async () => {
    const rows = await testDb.adminQuery<{ relname: string }>(
      `select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p')`,
    );
    expect(Object.keys(MATRIX).sort()).toEqual(rows.map((row) => row.relname).sort());
  });

  // One test per table: what each caller got, per command, against the expectation.
  it.each(Object.keys(MATRIX))('%s', async (name) => {
    const expected: Partial<Record<Command, string>> = {};
    const actual: Partial<Record<Command, string>> = {};
    for (const command of COMMANDS) {
      const cell = MATRIX[name]![command];
      expected[command] = cell.expect;
      actual[command] = '';
      for (const who of CALLERS) actual[command] += await attempt(who, cell.statements, cell);
    }
    expect(actual).toEqual(expected);
  });

  it.each(ATTACKS.map(label))('refuses %s', async (name) => {
    const attack = ATTACKS.find((candidate) => label(candidate) === name)!;
    expect(await attempt(attack.caller, attack.statements)).toBe('.');
  });

  it.each(CONTROLS.map(label))('allows %s', async (name) => {
    const control = CONTROLS.find((candidate) => label(candidate) === name)!;
    expect(await attempt(control.caller, control.statements)).toBe(control.caller.letter);
  });

  it('guards the columns of every table a request role may update, and truncation of every table', async () => {
    // Column grants are not enough (see the second pass): an UPDATE policy needs
    // private.guard_update naming the columns each role may change. TRUNCATE skips RLS.
    const rows = await testDb.adminQuery<{
      name: string;
      updatable: boolean;
      guarded: boolean;
      truncate: boolean;
    }>(
      `select c.relname as name,
         exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
           and p.cmd in ('UPDATE', 'ALL')
           and p.roles && array['homeowner', 'tenant_staff', 'development_staff', 'authenticated', 'anon', 'public']::name[])
           as updatable,
         exists (select 1 from pg_trigger t
           where t.tgrelid = c.oid and t.tgfoid = 'private.guard_update()'::regprocedure) as guarded,
         exists (select 1 from pg_trigger t
           where t.tgrelid = c.oid and t.tgfoid = 'private.refuse_truncate()'::regprocedure) as truncate
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    const unguarded = rows.filter((row) => (row.updatable && !row.guarded) || !row.truncate);
    expect(unguarded.map((row) => row.name)).toEqual([]);
  });
});

describe('a migrated database', () => {
  it('lets nobody but its owner create temporary objects', async () => {
    // CREATE DATABASE … TEMPLATE (how the harness clones test databases) does not copy database
    // privileges, so this asks about the migrated template itself, without connecting to it.
    const template = inject('templateDatabase');
    const roles = [APP_ROLE, 'anon', 'authenticated', 'homeowner', 'tenant_staff', 'development_staff'];
    const rows = await testDb.adminQuery<{ role: string; temp: boolean }>(
      `select role, has_database_privilege(role, $1, 'TEMP') as temp from unnest($2::text[]) role`,
      [template, roles],
    );
    expect(rows).toEqual(roles.map((role) => ({ role, temp: false })));
  });
});
