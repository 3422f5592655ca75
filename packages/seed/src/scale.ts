import { createHash } from 'node:crypto';

import type pg from 'pg';

import { withAdminClient } from '@openhouse/db/admin';

import { seedData } from './data';
import { seed } from './load';

/**
 * A production-sized data set on top of the deterministic seed, for load tests and benchmarks.
 *
 * Everything heavy is generated inside Postgres by a few `INSERT … SELECT … generate_series`
 * statements. Ids are md5 uuids of a row number and every "random" choice is a hash of that row
 * number (`pg_temp.rnd`), so each run produces the same rows. Tenant sizes follow a Zipf curve:
 * the first seeded tenant is the biggest, and its seeded developments, which tests and benchmarks
 * sign in to, hold a large share of the content.
 */

export const SEED_SCALES = ['small', 'medium', 'large'] as const;
export type SeedScale = (typeof SEED_SCALES)[number];

/** Tenants, developments and houses are totals including the seed; content counts are rows added. */
interface Sizes {
  tenants: number;
  developments: number;
  houses: number;
  notices: number;
  documents: number;
  threads: number;
  events: number;
  questions: number;
}
const SIZES: Record<Exclude<SeedScale, 'small'>, Sizes> = {
  medium: {
    tenants: 10,
    developments: 20,
    houses: 1_000,
    notices: 100_000,
    documents: 5_000,
    threads: 20_000,
    events: 500_000,
    questions: 5_000,
  },
  large: {
    tenants: 50,
    developments: 200,
    houses: 10_000,
    notices: 1_000_000,
    documents: 50_000,
    threads: 200_000,
    events: 5_000_000,
    questions: 50_000,
  },
};
// Per parent, fixed in the SQL below: 10 passages per document, 10 messages per thread.
const MIN_HOUSES = 10;

// --- Vocabulary ---------------------------------------------------------------------------------
// Generated names use two lists whose lengths are coprime, so item k of each is unique for
// k < product (25 × 6 = 150 tenants, 29 × 7 = 203 developments).
// prettier-ignore
const TENANT_WORDS = [
  'Ashford', 'Bramley', 'Calder', 'Denholm', 'Elmstead', 'Fernhill', 'Glenmoor', 'Hollybrook', 'Ivywood',
  'Juniper', 'Kestrel', 'Linden', 'Marlow', 'Newbold', 'Orchard', 'Pennine', 'Quarry Hill', 'Redwood',
  'Sandford', 'Thornbury', 'Upton', 'Valley', 'Westgate', 'Yew Tree', 'Ashdown',
];
const TENANT_KINDS = ['Homes', 'Living', 'Developments', 'Estates', 'Residential', 'Property'];
// prettier-ignore
const DEVELOPMENT_WORDS = [
  'Kingfisher', 'Bluebell', 'Hawthorn', 'Primrose', 'Lavender', 'Skylark', 'Rowan', 'Heather', 'Wren',
  'Poppy', 'Birch', 'Chestnut', 'Elder', 'Hazel', 'Maple', 'Cedar', 'Aspen', 'Holly', 'Laurel', 'Sorrel',
  'Thistle', 'Clover', 'Fern', 'Sycamore', 'Alder', 'Juniper', 'Swallow', 'Magpie', 'Otter',
];
const DEVELOPMENT_KINDS = ['Park', 'Fields', 'Rise', 'Gardens', 'Place', 'Green', 'Court'];
// prettier-ignore
const TOWNS = [
  'Macclesfield', 'Warrington', 'Wigan', 'Chester', 'Crewe', 'Preston', 'Lancaster', 'Kendal', 'Wakefield',
  'Huddersfield', 'Halifax', 'Doncaster', 'Lincoln', 'Newark', 'Loughborough', 'Northampton', 'Swindon',
  'Taunton', 'Exeter', 'Yeovil', 'Gloucester', 'Worcester', 'Shrewsbury', 'Telford',
];
// prettier-ignore
const STREETS = [
  'Willow Lane', 'Foxglove Close', 'Heron Way', 'Larch Drive', 'Meadowsweet Road', 'Bramble Walk',
  'Orchard Crescent', 'Kingfisher Avenue', 'Sandpiper Close', 'Mill Lane', 'Church View', 'Station Road',
];
// prettier-ignore
const FIRST = [
  'Amelia', 'Oliver', 'Priya', 'Tom', 'Grace', 'Kwame', 'Sofia', 'Daniel', 'Hannah', 'Yusuf', 'Chloe',
  'Arjun', 'Megan', 'Liam', 'Zara', 'Ewan',
];
// prettier-ignore
const LAST = [
  'Patel', 'Walsh', 'Okafor', 'Hughes', 'Nowak', 'Bennett', 'Ahmed', 'Clarke', 'Evans', 'Murphy', 'Khan',
  'Jones', 'Taylor', 'Byrne', 'Singh', 'Wood',
];

// prettier-ignore
const CATEGORIES = [
  'warranty', 'heating', 'waste', 'snagging', 'parking', 'broadband', 'completion', 'maintenance', 'legal',
  'garden',
];
/** Per category, in CATEGORIES order: a title and five subjects its sentences talk about. */
// prettier-ignore
const CATEGORY_LABELS = [
  'Your new-home warranty', 'Heating and hot water', 'Bins and recycling', 'Snagging and defects',
  'Parking and EV charging', 'Broadband and utilities', 'Completion and handover',
  'Looking after your home', 'Legal and management company', 'Your garden and boundaries',
];
// prettier-ignore
const CATEGORY_SUBJECTS = [
  ['The ten-year structural warranty', 'The two-year builder warranty', 'A warranty claim', 'The warranty provider', 'Cover for defects'],
  ['The air source heat pump', 'The underfloor heating', 'The hot water cylinder', 'The room thermostat', 'Each radiator'],
  ['The green general waste bin', 'The blue recycling bin', 'The food waste caddy', 'A bulky waste collection', 'The bin store'],
  ['A snag', 'The snagging visit', 'A cracked tile', 'A sticking internal door', 'The site manager'],
  ['Each allocated space', 'The visitor bays', 'The 7 kW charge point', 'The private road', 'Street lighting'],
  ['Full-fibre broadband', 'The water meter', 'The electricity meter', 'The boundary box', 'The router'],
  ['Legal completion', 'The handover visit', 'The alarm fob', 'The set of keys', 'The new-home demonstration'],
  ['The extractor fan', 'The guttering', 'The silicone seal around the bath', 'Trickle vents on the windows', 'The smoke alarm'],
  ['The management company', 'The annual service charge', 'The title plan', 'The restrictive covenant', 'Your solicitor'],
  ['The turf', 'The boundary fence', 'The patio', 'The rear garden drainage', 'Newly planted trees'],
];
// prettier-ignore
const SUBJECTS = [
  'The customer care team', 'Our site manager', 'Every homeowner', 'The local council', 'A qualified engineer',
  'The developer', 'Your home', "The residents' association", 'The manufacturer', 'The building inspector',
  'Each plot', 'The insurer',
];
// prettier-ignore
const PREDICATES = [
  'is covered by the warranty', 'should be checked', 'must be reported through the support chat',
  'will be inspected', 'can be booked online', 'needs regular servicing',
  'is the responsibility of the homeowner', 'will be repaired free of charge', 'should not be altered',
  'is explained in the handover pack', 'may take up to 28 days to settle', 'is registered to your plot number',
  'has to be kept clear', 'is maintained by the management company', 'can be upgraded at your own cost',
  'needs a photo when you report it', 'is tested before handover', 'will be confirmed by email',
  'should be left switched on', 'is included in the service charge',
];
// prettier-ignore
const TAILS = [
  'within the first two years', 'every twelve months', 'after legal completion', 'before the winter',
  'during the defects period', 'on the day you move in', 'within two working days',
  'at the end of the first year', 'after heavy rain', 'while the house dries out', 'once the roads are adopted',
  'during the snagging visit', 'when you first move in', 'if you notice a problem',
  'as set out in your contract', 'before you make any alterations',
];
// prettier-ignore
const ASPECTS = [
  'what is covered', 'how to report a problem', 'servicing and checks', 'in your first year',
  'frequently asked questions', 'who to contact', 'before you call us', 'costs and charges', 'safety',
  'after completion',
];
// prettier-ignore
const NOTICE_TITLES = [
  'Water supply interruption', 'Road resurfacing works', 'Change to bin collection day', 'Street lighting repairs',
  'Landscaping in the communal areas', 'Play area inspection', 'Reminder about visitor parking',
  'Full-fibre network upgrade', "Residents' meeting", 'Snagging visit booked', 'Drainage survey',
  'Scaffolding on site', 'Road closure for deliveries', 'Planned power cut', 'Show home open day',
  'Tree planting', 'Site working hours', 'Gritting during cold weather', 'Post box installed',
  'Management company update',
];
// prettier-ignore
const CHAT_SUBJECTS = [
  'Radiator not heating up', 'Crack above the kitchen door', 'Leak under the bathroom sink',
  'Front door hard to lock', 'Heat pump showing an error', 'Missing silicone in the shower',
  'Fence panel blown down', 'Extractor fan very noisy', 'Water pooling on the patio',
  'Question about the service charge', 'Charge point not working', 'Window will not close properly',
  'Damp patch on the ceiling', 'When will the road be finished?', 'Bin store door broken', 'Garden turf dying',
];
// prettier-ignore
const HOMEOWNER_OPENERS = [
  'Hi.', 'Hello.', 'Hi there.', 'Good morning.', 'Thanks for getting back to me.', 'Sorry to chase.',
  'Just an update.', 'Hello again.',
];
// prettier-ignore
const STAFF_OPENERS = [
  'Thanks for letting us know.', 'Sorry to hear that.', 'Thanks for the photos.',
  'Our site manager has had a look.', 'We have booked a visit.', 'Thank you for your patience.', 'Good news.',
  'Following up on your message.',
];
// prettier-ignore
const QUESTION_STARTS = [
  'How do I', 'Who do I contact to', 'When can I', 'Is it possible to', 'What happens if I',
  'Do I need permission to',
];
// prettier-ignore
const QUESTION_TASKS = [
  'bleed the radiators', 'report a leak', 'book a bulky waste collection', 'change the heat pump settings',
  'replace a fence panel', 'register the EV charger', 'claim on the warranty', 'reset the alarm',
  'get a parking permit', 'put up a shed', 'set up broadband', 'read the water meter', 'pay the service charge',
  'paint the walls', 'fix a cracked tile', 'get a copy of the title plan',
];
const PATHS = ['/', '/notices', '/documents', '/chat', '/assistant', '/onboarding', '/profile'];

// --- The plan: tenants and developments, and each development's share of every table ------------

interface Staff {
  id: string;
  developmentId: string | null;
  email: string;
  displayName: string;
}
interface PlanTenant {
  id: string;
  name: string;
  slug: string;
  rank: number;
  generated: boolean;
  staff: Staff[];
}
/** One row of `scale_plan`; `<table>_lo` is the first global row number of its range. */
interface PlanDevelopment {
  ord: number;
  id: string;
  tenant_id: string;
  tenant_slug: string;
  name: string;
  slug: string;
  town: string;
  generated: boolean;
  houses: number;
  staff: string[];
  age_days: number;
  notice_lo: number;
  notice_n: number;
  doc_lo: number;
  doc_n: number;
  thread_lo: number;
  thread_n: number;
  event_lo: number;
  event_n: number;
  question_lo: number;
  question_n: number;
}

/** The same uuid as `pg_temp.uuid_of(name)` below: md5 of the name, shaped as version 5. */
function uuidOf(name: string): string {
  const hex = createHash('md5').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
const slugify = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Splits `total` in proportion to `weights` on top of per-item minimums; the parts sum to `total`. */
function allocate(total: number, weights: number[], mins: number[] = weights.map(() => 0)): number[] {
  const spare = total - sum(mins);
  const weightSum = sum(weights);
  let cumulative = 0;
  let given = 0;
  return weights.map((weight, i) => {
    cumulative += weight;
    const upTo = Math.round((spare * cumulative) / weightSum);
    const share = upTo - given;
    given = upTo;
    return mins[i]! + share;
  });
}

function buildPlan(sizes: Sizes) {
  const count = sizes.tenants;
  // Seeded tenants by rank: the first is the biggest, the second mid-sized, the third the smallest.
  const seededRanks = [1, Math.max(2, Math.round(count / 4)), count];
  const tenants: PlanTenant[] = [];
  let generatedTenants = 0;
  for (let rank = 1; rank <= count; rank++) {
    const seeded = seedData.tenants[seededRanks.indexOf(rank)];
    if (seeded) {
      const staff = seedData.users.filter((u) => u.tenantId === seeded.tenantId && u.appRole === 'developer');
      tenants.push({
        id: seeded.tenantId,
        name: seeded.name,
        slug: seeded.slug,
        rank,
        generated: false,
        staff,
      });
    } else {
      const g = generatedTenants++;
      const name = `${TENANT_WORDS[g % TENANT_WORDS.length]} ${TENANT_KINDS[g % TENANT_KINDS.length]}`;
      const slug = slugify(name);
      tenants.push({ id: uuidOf(`openhouse:tenant:${slug}`), name, slug, rank, generated: true, staff: [] });
    }
  }

  // Developments per tenant by Zipf weight: at least one for a generated tenant, and the seeded
  // tenants keep their two and may get more.
  const extra = allocate(
    sizes.developments - seedData.developments.length,
    tenants.map((t) => 1 / t.rank),
    tenants.map((t) => (t.generated ? 1 : 0)),
  );
  const developments: (Omit<PlanDevelopment, `${string}_lo` | `${string}_n` | 'houses'> & {
    weight: number;
  })[] = [];
  let generatedDevelopments = 0;
  tenants.forEach((tenant, t) => {
    const own = seedData.developments
      .filter((d) => d.tenantId === tenant.id)
      .map((d) => ({ ...d, generated: false }));
    for (let n = 0; n < extra[t]!; n++) {
      const k = generatedDevelopments++;
      const name = `${DEVELOPMENT_WORDS[k % DEVELOPMENT_WORDS.length]} ${DEVELOPMENT_KINDS[k % DEVELOPMENT_KINDS.length]}`;
      const slug = slugify(name);
      const town = TOWNS[(k * 7) % TOWNS.length]!;
      const id = uuidOf(`openhouse:development:${tenant.slug}:${slug}`);
      own.push({ id, tenantId: tenant.id, name, slug, town, generated: true });
    }
    if (tenant.generated) {
      // Like the seed: one tenant-wide staff member and one scoped to the first development.
      tenant.staff = [1, 2].map((n) => ({
        id: uuidOf(`openhouse:user:staff${n}@${tenant.slug}.test`),
        developmentId: n === 1 ? null : own[0]!.id,
        email: `staff${n}@${tenant.slug}.test`,
        displayName: `${FIRST[(tenant.rank + n) % FIRST.length]} ${LAST[(tenant.rank * 3 + n) % LAST.length]} (${tenant.name})`,
      }));
    }
    // Within a tenant, development k gets weight 1/k too: the seeded ones come first.
    const harmonic = sum(own.map((_, k) => 1 / (k + 1)));
    own.forEach((d, k) =>
      developments.push({
        ord: developments.length + 1,
        id: d.id,
        tenant_id: tenant.id,
        tenant_slug: tenant.slug,
        name: d.name,
        slug: d.slug,
        town: d.town,
        generated: d.generated,
        staff: tenant.staff
          .filter((s) => s.developmentId === null || s.developmentId === d.id)
          .map((s) => s.id),
        age_days: 300 + ((developments.length * 37) % 400),
        weight: 1 / tenant.rank / (k + 1) / harmonic,
      }),
    );
  });

  const generated = developments.filter((d) => d.generated);
  const houses = allocate(
    sizes.houses - seedData.houses.length,
    generated.map((d) => d.weight),
    generated.map(() => MIN_HOUSES),
  );
  const housesOf = new Map(generated.map((d, i) => [d.id, houses[i]!]));
  // Each development's contiguous range of global row numbers per table.
  const weights = developments.map((d) => d.weight);
  const ranges = (total: number) => {
    const counts = allocate(total, weights);
    return counts.map((n, i) => ({ lo: 1 + sum(counts.slice(0, i)), n }));
  };
  const notices = ranges(sizes.notices);
  const docs = ranges(sizes.documents);
  const threads = ranges(sizes.threads);
  const events = ranges(sizes.events);
  const questions = ranges(sizes.questions);
  const plan: PlanDevelopment[] = developments.map(({ weight: _, ...d }, i) => ({
    ...d,
    // Seeded developments keep their seeded houses; their count is filled in from the table.
    houses: housesOf.get(d.id) ?? 0,
    notice_lo: notices[i]!.lo,
    notice_n: notices[i]!.n,
    doc_lo: docs[i]!.lo,
    doc_n: docs[i]!.n,
    thread_lo: threads[i]!.lo,
    thread_n: threads[i]!.n,
    event_lo: events[i]!.lo,
    event_n: events[i]!.n,
    question_lo: questions[i]!.lo,
    question_n: questions[i]!.n,
  }));
  return { tenants, plan };
}

// --- SQL -----------------------------------------------------------------------------------------

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;
const list = (words: readonly string[]) => `array[${words.map(literal).join(', ')}]`;

/**
 * Session-local helpers. `rnd(i, salt, n)` is a pseudo-random integer in [0, n) for row number i:
 * a different salt per use keeps the choices of one row independent. SQL-bodied and immutable,
 * so Postgres inlines them into the big statements.
 */
const HELPERS = `
-- A name-based uuid shaped like the seed's (version 5, RFC 4122 variant), which the API's uuid
-- validation accepts: md5 of the name with the version and variant nibbles set.
create function pg_temp.uuid_of(name text) returns uuid language sql immutable
  return overlay(overlay(md5(name) placing '5' from 13) placing '8' from 17)::uuid;
create function pg_temp.rnd(i bigint, salt int, n int) returns int language sql immutable
  return ((hashint8extended(i, salt) & 9223372036854775807) % greatest(n, 1))::int;
create function pg_temp.unit(i bigint, salt int) returns float8 language sql immutable
  return (hashint8extended(i, salt) & 9007199254740991)::float8 / 9007199254740992;
create function pg_temp.pick(words text[], i bigint, salt int) returns text language sql immutable
  return words[1 + pg_temp.rnd(i, salt, cardinality(words))];
-- A moment in the last \`days\` days; skew > 1 makes recent moments denser.
create function pg_temp.ago(i bigint, salt int, days float8, skew float8 default 1) returns timestamptz
  language sql stable
  return now() - make_interval(secs => days * 86400 * power(pg_temp.unit(i, salt), skew));
create function pg_temp.sentence(i bigint, salt int, category int) returns text language sql immutable
  return case when pg_temp.rnd(i, salt, 2) = 0
      then (${`array[${CATEGORY_SUBJECTS.map(list).join(', ')}]`})[category][1 + pg_temp.rnd(i, salt + 1, 5)]
      else pg_temp.pick(${list(SUBJECTS)}, i, salt + 1) end
    || ' ' || pg_temp.pick(${list(PREDICATES)}, i, salt + 2)
    || ' ' || pg_temp.pick(${list(TAILS)}, i, salt + 3) || '.';
-- Two or three sentences, using salts salt .. salt + 33: callers pass 100, 200, … to keep them
-- apart from the row's other choices. Plain || (concat_ws is only stable): an immutable body inlines.
create function pg_temp.paragraph(i bigint, salt int, category int) returns text language sql immutable
  return pg_temp.sentence(i, salt, category) || ' ' || pg_temp.sentence(i, salt + 10, category)
    || case when pg_temp.rnd(i, salt + 20, 2) = 0 then ' ' || pg_temp.sentence(i, salt + 30, category) else '' end;
-- Passage p of document j: a heading and two paragraphs on the document's category.
create function pg_temp.heading(j bigint, p int, category int) returns text language sql immutable
  return (${list(CATEGORY_LABELS)})[category] || ': ' || pg_temp.pick(${list(ASPECTS)}, j * 10 + p, 35);
create function pg_temp.passage(j bigint, p int, category int) returns text language sql immutable
  return pg_temp.paragraph(j * 10 + p, 200, category) || ' ' || pg_temp.paragraph(j * 10 + p, 300, category);
-- Minutes between a thread's messages: message m is at created_at + m * step.
create function pg_temp.chat_step(i bigint) returns interval language sql immutable
  return make_interval(mins => 20 + pg_temp.rnd(i, 90, 600));
`;

/** One plan row per development, then every house of those developments with its homeowner. */
const PLAN_TABLE = `
create temp table scale_plan (
  ord int, id uuid, tenant_id uuid, tenant_slug text, name text, slug text, town text, generated boolean,
  houses int, staff uuid[], age_days int, notice_lo bigint, notice_n int, doc_lo bigint, doc_n int,
  thread_lo bigint, thread_n int, event_lo bigint, event_n int, question_lo bigint, question_n int
) on commit drop`;
const HOUSE_TABLE = `
create temp table scale_houses on commit drop as
with all_houses as (
  select d.ord, d.id as development_id, d.tenant_id, h.plot_number as plot, h.id as house_id,
    p.id as homeowner_id, false as generated
  from scale_plan d
  join houses h on h.development_id = d.id
  join profiles p on p.house_id = h.id and p.app_role = 'homeowner' -- the seed has one per house
  where not d.generated
  union all
  select d.ord, d.id, d.tenant_id, plot, pg_temp.uuid_of('openhouse:house:' || d.id || ':' || plot),
    pg_temp.uuid_of('openhouse:homeowner:' || d.id || ':' || plot), true
  from scale_plan d cross join generate_series(1, d.houses) plot
  where d.generated
)
select row_number() over (order by ord, plot) as k,
  row_number() over (partition by development_id order by plot)::int as n, *
from all_houses;
create index on scale_houses (development_id, n);
analyze scale_houses;
update scale_plan d set houses = (select count(*) from scale_houses h where h.development_id = d.id);
`;
/** Each new document's scope, category and title, for the documents and their passages. */
const DOCUMENT_TABLE = `
create temp table scale_documents on commit drop as
select j, pg_temp.uuid_of('openhouse:document:' || j) as id, d.tenant_id, d.id as development_id, h.house_id,
  1 + pg_temp.rnd(j, 30, 10) as category,
  (${list(CATEGORY_LABELS)})[1 + pg_temp.rnd(j, 30, 10)] || coalesce(' for plot ' || h.plot, '')
    || ' — ' || d.name as title,
  d.staff[1 + pg_temp.rnd(j, 31, cardinality(d.staff))] as created_by,
  pg_temp.ago(j, 32, 730) as created_at
from scale_plan d
cross join generate_series(d.doc_lo, d.doc_lo + d.doc_n - 1) j
-- One in ten is for one house.
left join scale_houses h
  on pg_temp.rnd(j, 33, 100) < 10 and h.development_id = d.id and h.n = 1 + pg_temp.rnd(j, 34, d.houses)
`;

const CONTENT_TABLES = [
  'notices',
  'documents',
  'document_passages',
  'chat_threads',
  'chat_messages',
  'analytics_events',
  'assistant_questions',
];

/** The bulk statements, parents before children (for a non-superuser, foreign keys are checked). */
const steps = (
  tenantsJson: string,
  staffJson: string,
): { table: string; sql: string; params?: unknown[] }[] => [
  {
    table: 'tenants',
    params: [tenantsJson],
    sql: `insert into tenants (tenant_id, name, slug, created_at)
      select id, name, slug, now() - make_interval(days => 500 + rank * 7)
      from json_to_recordset($1::json) t(id uuid, name text, slug text, rank int, generated boolean)
      where generated`,
  },
  {
    table: 'developments',
    sql: `insert into developments (id, tenant_id, name, slug, town, created_at)
      select id, tenant_id, name, slug, town, now() - make_interval(days => age_days)
      from scale_plan where generated`,
  },
  {
    table: 'houses',
    sql: `insert into houses (id, tenant_id, development_id, plot_number, address, created_at)
      select h.house_id, h.tenant_id, h.development_id, h.plot,
        h.plot || ' ' || pg_temp.pick(${list(STREETS)}, h.k, 1) || ', ' || d.name || ', ' || d.town,
        now() - make_interval(days => d.age_days - 30)
      from scale_houses h join scale_plan d on d.id = h.development_id
      where h.generated`,
  },
  {
    table: 'profiles',
    params: [staffJson],
    sql: `insert into profiles (id, tenant_id, development_id, house_id, app_role, email, display_name, created_at)
      select h.homeowner_id, h.tenant_id, h.development_id, h.house_id, 'homeowner',
        'plot' || lpad(h.plot::text, 4, '0') || '.' || d.slug || '@' || d.tenant_slug || '.test',
        pg_temp.pick(${list(FIRST)}, h.k, 2) || ' ' || pg_temp.pick(${list(LAST)}, h.k, 3),
        pg_temp.ago(h.k, 4, d.age_days - 30)
      from scale_houses h join scale_plan d on d.id = h.development_id
      where h.generated
      union all
      select id, tenant_id, development_id, null, 'developer', email, display_name, now() - interval '500 days'
      from json_to_recordset($1::json) s(id uuid, tenant_id uuid, development_id uuid, email text, display_name text)`,
  },
  {
    // About 70% of the new homeowners started onboarding; steps are done in order.
    table: 'onboarding_progress',
    sql: `insert into onboarding_progress (user_id, tenant_id, development_id, house_id, completed_steps, updated_at)
      select h.homeowner_id, h.tenant_id, h.development_id, h.house_id,
        (array['claim', 'profile', 'documents'])[1:1 + pg_temp.rnd(h.k, 6, 3)], pg_temp.ago(h.k, 7, 240)
      from scale_houses h
      where h.generated and pg_temp.rnd(h.k, 5, 100) < 70`,
  },
  {
    // One invite per new house, used by its homeowner when they claimed it during onboarding.
    table: 'house_invites',
    sql: `insert into house_invites (id, tenant_id, development_id, house_id, code_hash, code_hint, created_by,
        created_at, used_at, used_by)
      select pg_temp.uuid_of('openhouse:invite:' || h.house_id), h.tenant_id, h.development_id, h.house_id,
        encode(sha256(convert_to('openhouse:scale-invite:' || h.house_id, 'UTF8')), 'hex'),
        (select string_agg(substr('23456789ABCDEFGHJKMNPQRSTUVWXYZ', 1 + pg_temp.rnd(h.k, 8 + c, 31), 1), '')
           from generate_series(1, 4) c),
        d.staff[1], coalesce(o.updated_at, pg_temp.ago(h.k, 13, 240)) - interval '30 days', o.updated_at, o.user_id
      from scale_houses h
      join scale_plan d on d.id = h.development_id
      left join onboarding_progress o on o.user_id = h.homeowner_id
      where h.generated`,
  },
  {
    // A quarter of the notices are for one house, the rest for the whole development.
    table: 'notices',
    sql: `insert into notices (id, tenant_id, development_id, house_id, author_id, title, body, created_at)
      select pg_temp.uuid_of('openhouse:notice:' || i), d.tenant_id, d.id, h.house_id,
        d.staff[1 + pg_temp.rnd(i, 20, cardinality(d.staff))],
        coalesce('Plot ' || h.plot || ': ', '') || pg_temp.pick(${list(NOTICE_TITLES)}, i, 21),
        pg_temp.paragraph(i, 100, 1 + pg_temp.rnd(i, 23, 10)),
        pg_temp.ago(i, 24, 730)
      from scale_plan d
      cross join generate_series(d.notice_lo, d.notice_lo + d.notice_n - 1) i
      left join scale_houses h
        on pg_temp.rnd(i, 25, 100) < 25 and h.development_id = d.id and h.n = 1 + pg_temp.rnd(i, 26, d.houses)`,
  },
  {
    // A document's body is its ten passages, each generated from (document, position), so the
    // passages below repeat exactly what the body says.
    table: 'documents',
    sql: `insert into documents (id, tenant_id, development_id, house_id, created_by, title, category, body, created_at)
      select doc.id, doc.tenant_id, doc.development_id, doc.house_id, doc.created_by, doc.title,
        (${list(CATEGORIES)})[doc.category],
        (select string_agg('## ' || pg_temp.heading(doc.j, p, doc.category) || E'\\n\\n'
            || pg_temp.passage(doc.j, p, doc.category), E'\\n\\n' order by p)
          from generate_series(0, 9) p),
        doc.created_at
      from scale_documents doc`,
  },
  {
    table: 'document_passages',
    sql: `insert into document_passages (tenant_id, development_id, house_id, document_id, position, heading, content)
      select doc.tenant_id, doc.development_id, doc.house_id, doc.id, p,
        pg_temp.heading(doc.j, p, doc.category), pg_temp.passage(doc.j, p, doc.category)
      from scale_documents doc cross join generate_series(0, 9) p`,
  },
  {
    // Threads go round the development's homeowners; the newest message is the ninth step.
    table: 'chat_threads',
    sql: `insert into chat_threads (id, tenant_id, development_id, house_id, homeowner_id, subject, created_at,
        last_message_at, staff_read_at, homeowner_read_at)
      select pg_temp.uuid_of('openhouse:thread:' || t), d.tenant_id, d.id, h.house_id, h.homeowner_id,
        pg_temp.pick(${list(CHAT_SUBJECTS)}, t, 40), start, start + 9 * step, start + 9 * step,
        -- One in five homeowners has not read the last (staff) reply yet.
        start + case when pg_temp.rnd(t, 41, 5) = 0 then 8 else 9 end * step
      from scale_plan d
      cross join generate_series(d.thread_lo, d.thread_lo + d.thread_n - 1) t
      join scale_houses h on h.development_id = d.id and h.n = 1 + (t - d.thread_lo) % d.houses
      cross join lateral (select pg_temp.chat_step(t) as step) s
      cross join lateral (select pg_temp.ago(t, 42, 365) - 9 * s.step as start) a`,
  },
  {
    // Ten messages per thread, homeowner first, then alternating with the tenant's staff.
    table: 'chat_messages',
    sql: `insert into chat_messages (id, tenant_id, development_id, thread_id, homeowner_id, author_id, body, created_at)
      select pg_temp.uuid_of('openhouse:message:' || t || ':' || m), th.tenant_id, th.development_id, th.id, th.homeowner_id,
        case when m % 2 = 0 then th.homeowner_id else d.staff[1 + pg_temp.rnd(t * 10 + m, 50, cardinality(d.staff))] end,
        case when m % 2 = 0 then pg_temp.pick(${list(HOMEOWNER_OPENERS)}, t * 10 + m, 51)
          else pg_temp.pick(${list(STAFF_OPENERS)}, t * 10 + m, 51) end
          || ' ' || pg_temp.paragraph(t * 10 + m, 400, 1 + pg_temp.rnd(t, 53, 10)),
        th.created_at + m * pg_temp.chat_step(t)
      from scale_plan d
      cross join generate_series(d.thread_lo, d.thread_lo + d.thread_n - 1) t
      join chat_threads th on th.id = pg_temp.uuid_of('openhouse:thread:' || t)
      cross join generate_series(0, 9) m`,
  },
  {
    // Mostly page views and opened notices, nine in ten by homeowners; denser in recent days.
    table: 'analytics_events',
    sql: `insert into analytics_events (tenant_id, development_id, user_id, name, properties, created_at)
      select d.tenant_id, d.id,
        case when pg_temp.rnd(i, 60, 10) = 0 then d.staff[1 + pg_temp.rnd(i, 61, cardinality(d.staff))]
          else h.homeowner_id end,
        e.name,
        case e.name
          when 'page.view' then jsonb_build_object('path', pg_temp.pick(${list(PATHS)}, i, 62))
          when 'notice.opened' then jsonb_build_object('noticeId',
            pg_temp.uuid_of('openhouse:notice:' || d.notice_lo + pg_temp.rnd(i, 63, d.notice_n)))
          when 'document.opened' then jsonb_build_object('documentId',
            pg_temp.uuid_of('openhouse:document:' || d.doc_lo + pg_temp.rnd(i, 63, d.doc_n)))
          else '{}'::jsonb end,
        pg_temp.ago(i, 64, 180, 2)
      from scale_plan d
      cross join generate_series(d.event_lo, d.event_lo + d.event_n - 1) i
      join scale_houses h on h.development_id = d.id and h.n = 1 + pg_temp.rnd(i, 65, d.houses)
      cross join lateral (select pg_temp.rnd(i, 66, 100) as r) x
      cross join lateral (select case when r < 60 then 'page.view' when r < 80 then 'notice.opened'
        when r < 88 then 'document.opened' when r < 93 then 'assistant.asked' when r < 98 then 'chat.sent'
        else 'onboarding.step' end as name) e`,
  },
  {
    // Cites one passage of a document the homeowner can read; one in ten finds nothing.
    table: 'assistant_questions',
    sql: `insert into assistant_questions (id, tenant_id, development_id, house_id, user_id, question, answer,
        answered_by, topic, citations, created_at)
      select pg_temp.uuid_of('openhouse:question:' || q), d.tenant_id, d.id, h.house_id, h.homeowner_id,
        pg_temp.pick(${list(QUESTION_STARTS)}, q, 70) || ' ' || pg_temp.pick(${list(QUESTION_TASKS)}, q, 71) || '?',
        coalesce(p.content, 'I could not find an answer in your documents. Please ask the customer care team in the chat.'),
        case when p.id is null then 'none' when pg_temp.rnd(q, 72, 100) < 15 then 'model' else 'passages' end,
        doc.category,
        case when p.id is null then '[]'::jsonb else jsonb_build_array(jsonb_build_object('documentId', doc.id,
          'passageId', p.id, 'title', doc.title, 'heading', p.heading, 'snippet', left(p.content, 160))) end,
        pg_temp.ago(q, 73, 365, 1.5)
      from scale_plan d
      cross join generate_series(d.question_lo, d.question_lo + d.question_n - 1) q
      join scale_houses h on h.development_id = d.id and h.n = 1 + pg_temp.rnd(q, 74, d.houses)
      left join documents doc on pg_temp.rnd(q, 75, 10) > 0 and d.doc_n > 0
        and doc.id = pg_temp.uuid_of('openhouse:document:' || d.doc_lo + pg_temp.rnd(q, 76, d.doc_n))
        and (doc.house_id is null or doc.house_id = h.house_id)
      left join document_passages p on p.document_id = doc.id and p.position = pg_temp.rnd(q, 77, 10)`,
  },
];

/**
 * Told how many steps a medium/large load has and when each is done: a progress bar with the time
 * left (`@openhouse/harness/progress` fits), since a large load takes minutes.
 */
export interface SeedProgress {
  start(total: number, label?: string): void;
  tick(label?: string): void;
}

/** Loads the deterministic seed (`seed()` from ./load), then for medium/large the bulk rows. Returns per-table row counts added. */
export async function seedAtScale(
  adminUrl: string,
  scale: SeedScale,
  log: (line: string) => void = () => {},
  progress?: SeedProgress,
): Promise<Record<string, number>> {
  const started = performance.now();
  const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(1);
  await seed(adminUrl);
  if (scale === 'small') {
    log(`deterministic seed loaded (${seconds(started)}s)`);
    return {};
  }
  const { tenants, plan } = buildPlan(SIZES[scale]);
  const staff = tenants
    .filter((t) => t.generated)
    .flatMap((t) =>
      t.staff.map((s) => ({
        ...s,
        tenant_id: t.id,
        development_id: s.developmentId,
        display_name: s.displayName,
      })),
    );

  const bulk = steps(JSON.stringify(tenants), JSON.stringify(staff));

  return withAdminClient(adminUrl, async (client) => {
    const counts: Record<string, number> = {};
    await client.query(`set work_mem = '256MB'; set maintenance_work_mem = '1GB'; set statement_timeout = 0`);
    await client.query('begin');
    try {
      // One loader at a time; the marker table says what this database already holds.
      await client.query(`select pg_advisory_xact_lock(hashtext('openhouse:seed-scale'))`);
      await client.query(
        `create table if not exists private.seed_scale (scale text primary key, loaded_at timestamptz not null default now())`,
      );
      const { rows } = await client.query<{ scale: string }>(`select scale from private.seed_scale`);
      if (rows.some((row) => row.scale === scale)) {
        await client.query('rollback');
        log(`${scale} data set already loaded`);
        return counts;
      }
      if (rows.length > 0) {
        throw new Error(
          `this database already holds the ${rows[0]!.scale} data set; load ${scale} into a fresh database`,
        );
      }
      const replica = await setReplicaRole(client, log);
      await client.query(HELPERS);
      await client.query(PLAN_TABLE);
      await client.query(
        `insert into scale_plan select * from json_populate_recordset(null::scale_plan, $1)`,
        [JSON.stringify(plan)],
      );
      await client.query(HOUSE_TABLE);
      await client.query(DOCUMENT_TABLE);
      const dropped = await dropSecondaryIndexes(client);
      // The bulk steps, the index rebuild, the rollups and the vacuum.
      progress?.start(bulk.length + 3, bulk[0]?.table);
      for (const [index, step] of bulk.entries()) {
        const stepStarted = performance.now();
        const result = await client.query(step.sql, step.params);
        counts[step.table] = result.rowCount ?? 0;
        log(`${step.table}: ${(result.rowCount ?? 0).toLocaleString('en')} rows (${seconds(stepStarted)}s)`);
        progress?.tick(bulk[index + 1]?.table ?? 'indexes');
      }
      const indexStarted = performance.now();
      for (const definition of dropped) await client.query(definition);
      log(`${dropped.length} indexes rebuilt (${seconds(indexStarted)}s)`);
      progress?.tick('rollups');
      // Statistics for the rollup rebuild's plans (ANALYZE, unlike VACUUM, works in a transaction).
      await client.query(`analyze ${Object.keys(counts).join(', ')}`);
      if (replica) await client.query(`set local session_replication_role = origin`);
      const { rows: rebuild } = await client.query<{ exists: boolean }>(
        `select to_regprocedure('private.rebuild_rollups()') is not null as exists`,
      );
      if (rebuild[0]!.exists) {
        const rebuildStarted = performance.now();
        await client.query(`select private.rebuild_rollups()`);
        log(`private.rebuild_rollups() (${seconds(rebuildStarted)}s)`);
      }
      await client.query(`insert into private.seed_scale (scale) values ($1)`, [scale]);
      await client.query('commit');
      progress?.tick('vacuum (analyze)');
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
    // Outside the transaction: fresh statistics and visibility maps before anyone queries.
    const vacuumStarted = performance.now();
    await client.query(`vacuum (analyze) ${Object.keys(counts).join(', ')}`);
    log(`vacuum (analyze) (${seconds(vacuumStarted)}s)`);
    progress?.tick('done');
    const total = sum(Object.values(counts));
    log(`${scale} data set loaded: ${total.toLocaleString('en')} rows in ${seconds(started)}s`);
    return counts;
  });
}

/**
 * Foreign keys and user triggers are skipped while the bulk rows go in: the rows are consistent by
 * construction, and counters maintained by triggers are rebuilt afterwards. Only a superuser may do
 * this; a BYPASSRLS admin loads the same rows, just more slowly.
 */
async function setReplicaRole(client: pg.Client, log: (line: string) => void): Promise<boolean> {
  const { rows } = await client.query<{ rolsuper: boolean }>(
    `select rolsuper from pg_roles where rolname = current_user`,
  );
  if (!rows[0]?.rolsuper) {
    log('not a superuser: foreign keys and triggers stay on while loading (slower)');
    return false;
  }
  await client.query(`set local session_replication_role = replica`);
  return true;
}

/**
 * Building an index once after the load is several times faster than growing it row by row (the
 * GIN full-text index above all). Drops the content tables' indexes that back no constraint, and
 * returns their definitions to run again; a failed load rolls the drops back with everything else.
 */
async function dropSecondaryIndexes(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     where i.indrelid = any($1::regclass[])
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [CONTENT_TABLES],
  );
  for (const row of rows) await client.query(`drop index ${row.name}`);
  return rows.map((row) => row.definition);
}
