import { createHash } from 'node:crypto';

import { hashInviteCode, normaliseInviteCode } from '@openhouse/api/invite-codes';

import { seedInviteCode } from './invite-code';

/**
 * The deterministic seed: the same ids, people and texts on every machine, so that tests, load
 * suites and `pnpm token` can name seeded users without asking the database.
 */

export function stableUuid(name: string): string {
  const hex = createHash('sha1').update(`openhouse:${name}`).digest('hex');
  // Shaped as a version-5 (name-based) UUID.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface SeedTenant {
  tenantId: string;
  name: string;
  slug: string;
  binDay: string;
  supportPhone: string;
}
export interface SeedDevelopment {
  id: string;
  tenantId: string;
  name: string;
  slug: string;
  town: string;
}
export interface SeedHouse {
  id: string;
  tenantId: string;
  developmentId: string;
  plotNumber: number;
  address: string;
}
export interface SeedUser {
  id: string;
  tenantId: string;
  developmentId: string | null;
  houseId: string | null;
  appRole: 'homeowner' | 'developer';
  email: string;
  displayName: string;
}
export interface SeedNotice {
  id: string;
  tenantId: string;
  developmentId: string;
  houseId: string | null;
  authorId: string;
  title: string;
  body: string;
  createdAt: Date;
}
export interface SeedDocument {
  id: string;
  tenantId: string;
  developmentId: string;
  houseId: string | null;
  createdBy: string;
  title: string;
  category: string;
  body: string;
  createdAt: Date;
}

/** One unused invite per house; its code is `seedInviteCode(houseId)`. */
export interface SeedInvite {
  id: string;
  tenantId: string;
  developmentId: string;
  houseId: string;
  codeHash: string;
  codeHint: string;
  createdBy: string;
}

export interface SeedData {
  tenants: SeedTenant[];
  developments: SeedDevelopment[];
  houses: SeedHouse[];
  users: SeedUser[];
  notices: SeedNotice[];
  documents: SeedDocument[];
  invites: SeedInvite[];
}

const TENANTS = [
  { name: 'Northfield Homes', slug: 'northfield', binDay: 'Tuesday', supportPhone: '0161 555 0101' },
  { name: 'Harbourside Living', slug: 'harbourside', binDay: 'Thursday', supportPhone: '0117 555 0202' },
  { name: 'Oakridge Developments', slug: 'oakridge', binDay: 'Monday', supportPhone: '0113 555 0303' },
];
const DEVELOPMENTS: Record<string, { name: string; town: string }[]> = {
  northfield: [
    { name: 'Meadow View', town: 'Stockport' },
    { name: 'Canal Wharf', town: 'Salford' },
  ],
  harbourside: [
    { name: 'Quayside Gardens', town: 'Bristol' },
    { name: 'Cliff Road', town: 'Portishead' },
  ],
  oakridge: [
    { name: 'Beech Grove', town: 'Harrogate' },
    { name: 'Millstone Park', town: 'Otley' },
  ],
};
const STREETS = ['Willow Lane', 'Foxglove Close', 'Heron Way', 'Larch Drive'];
const FIRST = ['Amelia', 'Oliver', 'Priya', 'Tom', 'Grace', 'Kwame', 'Sofia', 'Daniel', 'Hannah', 'Yusuf'];
const LAST = ['Patel', 'Walsh', 'Okafor', 'Hughes', 'Nowak', 'Bennett', 'Ahmed', 'Clarke', 'Evans', 'Murphy'];
export const HOUSES_PER_DEVELOPMENT = 20;
const BASE_TIME = Date.UTC(2026, 8, 1, 9, 0, 0);

const slugify = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');
const pad = (n: number) => String(n).padStart(2, '0');

function developmentDocuments(tenant: SeedTenant, development: SeedDevelopment) {
  const place = `${development.name}, ${development.town}`;
  return [
    {
      category: 'warranty',
      title: `Your ten-year structural warranty — ${development.name}`,
      body: `# Your new-home warranty

Every home at ${place} is covered by a ten-year structural warranty from the date of legal completion. For the first two years ${tenant.name} is responsible for putting right defects in workmanship or materials that breach the building standards.

## What is covered in years one and two

Doors and windows that do not close properly, leaking plumbing, faulty electrics installed by us, cracked tiles caused by poor fixing, and defects in the heating system. Report these through the portal's support chat with photos.

## What is not covered

Normal shrinkage cracks in plaster up to 3 mm, which are expected while a new home dries out, wear and tear, damage caused by alterations you make, and garden landscaping after the first twelve months.

## Years three to ten

The warranty provider covers the structure itself: foundations, load-bearing walls, the roof structure and the drainage below ground. Claims go directly to the warranty provider quoting your plot number.`,
    },
    {
      category: 'heating',
      title: `Heating and hot water guide — ${development.name}`,
      body: `# Your air source heat pump

Homes at ${place} are heated by an air source heat pump with underfloor heating downstairs and radiators upstairs. A heat pump works best running steadily at a lower temperature, so leave it on rather than switching it on and off.

## Setting the temperature

Set the room thermostat to about 20°C and leave the weather compensation curve at the installer's setting. Turning the thermostat up does not heat the house faster; it only makes the pump work harder.

## Hot water and the legionella cycle

The hot water cylinder holds 200 litres. Once a week the system heats the cylinder to 60°C to prevent legionella; this runs on Sunday night and is normal.

## Servicing

Have the heat pump serviced once a year by an accredited engineer to keep the manufacturer's seven-year warranty valid. Keep the outdoor unit clear of leaves and snow.`,
    },
    {
      category: 'waste',
      title: `Waste and recycling collections — ${development.name}`,
      body: `# Bins and recycling

The council collects bins at ${place} every ${tenant.binDay}. Put bins out by 7am on collection day and bring them back in the same evening.

## Which bin is which

The green bin is for general waste, the blue bin for paper, card, cans and plastic bottles, and the brown caddy for food waste. Glass goes in the black box.

## Bulky items

Bulky items such as furniture or packaging from moving in can be collected by the council for a small fee; book online. Please do not leave boxes beside the bin store, as they block access for other residents.`,
    },
    {
      category: 'snagging',
      title: `Reporting snags after you move in — ${development.name}`,
      body: `# Snagging

A snag is a small defect or unfinished item, such as a scuffed door frame, a dripping tap or a missing silicone seal. You can report snags at any time in the first two years.

## How to report

Send one chat message per room with photos of each snag. Our customer care team replies within two working days and books a visit. Urgent problems — no heating in winter, no water, or a leak — are answered the same day on ${tenant.supportPhone}.

## The snagging visit

A site manager inspects the items with you, agrees the work and books trades. Most snags are fixed within 28 days.`,
    },
    {
      category: 'parking',
      title: `Parking and electric vehicle charging — ${development.name}`,
      body: `# Parking

Each home at ${place} has two allocated spaces marked with the plot number. Visitor bays near the entrance are for short stays of up to 48 hours.

## Electric vehicle charging

Every home has a 7 kW charge point on the driveway, wired to its own meter. Register the charger in the manufacturer's app to schedule charging on an off-peak tariff.

## Roads not yet adopted

Until the council adopts the roads, ${tenant.name} maintains them. Report potholes or faulty street lights through the support chat.`,
    },
    {
      category: 'broadband',
      title: `Broadband and moving-in utilities — ${development.name}`,
      body: `# Getting connected

Full-fibre broadband is installed to every home at ${place}. Choose any provider on the open-access network and quote your full address; activation usually takes five working days.

## Water, electricity and meter readings

Take meter readings on the day you move in and send them to your suppliers. The water meter is in the boundary box near the front path; the electricity meter is in the box on the side wall.`,
    },
  ];
}

function buildSeed(): SeedData {
  const data: SeedData = {
    tenants: [],
    developments: [],
    houses: [],
    users: [],
    notices: [],
    documents: [],
    invites: [],
  };
  let clock = 0;
  const nextTime = () => new Date(BASE_TIME + clock++ * 3_600_000);

  for (const t of TENANTS) {
    const tenant: SeedTenant = { tenantId: stableUuid(`tenant:${t.slug}`), ...t };
    data.tenants.push(tenant);
    const developments = DEVELOPMENTS[t.slug]!.map((d) => ({
      id: stableUuid(`development:${t.slug}:${slugify(d.name)}`),
      tenantId: tenant.tenantId,
      name: d.name,
      slug: slugify(d.name),
      town: d.town,
    }));
    data.developments.push(...developments);

    // Two staff per tenant: one sees the whole tenant, one is scoped to the first development.
    const staff: SeedUser[] = [1, 2].map((n) => ({
      id: stableUuid(`user:staff${n}@${t.slug}.test`),
      tenantId: tenant.tenantId,
      developmentId: n === 1 ? null : developments[0]!.id,
      houseId: null,
      appRole: 'developer',
      email: `staff${n}@${t.slug}.test`,
      displayName: `${FIRST[(n + 3) % FIRST.length]} ${LAST[(n + 5) % LAST.length]} (${t.name})`,
    }));
    data.users.push(...staff);

    for (const development of developments) {
      for (let plot = 1; plot <= HOUSES_PER_DEVELOPMENT; plot++) {
        const house: SeedHouse = {
          id: stableUuid(`house:${development.id}:${plot}`),
          tenantId: tenant.tenantId,
          developmentId: development.id,
          plotNumber: plot,
          address: `${plot} ${STREETS[plot % STREETS.length]}, ${development.name}, ${development.town}`,
        };
        data.houses.push(house);
        const code = seedInviteCode(house.id);
        data.invites.push({
          id: stableUuid(`invite:${house.id}`),
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: house.id,
          codeHash: hashInviteCode(code),
          codeHint: normaliseInviteCode(code).slice(-4),
          createdBy: staff[0]!.id,
        });
        const email = `plot${pad(plot)}.${development.slug}@${t.slug}.test`;
        data.users.push({
          id: stableUuid(`user:${email}`),
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: house.id,
          appRole: 'homeowner',
          email,
          displayName: `${FIRST[plot % FIRST.length]} ${LAST[(plot * 7 + development.slug.length) % LAST.length]}`,
        });
      }

      const author = staff[0]!.id;
      const notices: Omit<SeedNotice, 'id' | 'createdAt'>[] = [
        {
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: null,
          authorId: author,
          title: `Welcome to ${development.name}`,
          body: `Welcome to your new home at ${development.name}. Your customer care team at ${tenant.name} is here for the first two years; use the chat for anything that needs fixing.`,
        },
        {
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: null,
          authorId: author,
          title: 'Bin collection day',
          body: `Bins at ${development.name} are collected every ${tenant.binDay}. Please bring them in the same evening.`,
        },
        {
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: null,
          authorId: author,
          title: 'Road resurfacing next month',
          body: `The final road surface at ${development.name} will be laid over three days next month. Parking on the road will be suspended; we will post exact dates here.`,
        },
        {
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: null,
          authorId: author,
          title: 'Play area opening',
          body: `The play area beside the attenuation pond at ${development.name} has passed its safety inspection and opens on Saturday.`,
        },
      ];
      for (const plot of [1, 2, 3, 4, 5]) {
        const house = data.houses.find((h) => h.developmentId === development.id && h.plotNumber === plot)!;
        notices.push({
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: house.id,
          authorId: author,
          title: `Snagging visit booked for plot ${plot}`,
          body: `A site manager will visit ${house.address} on Wednesday between 9am and 12pm to look at the snags you reported.`,
        });
      }
      for (const notice of notices) {
        data.notices.push({
          ...notice,
          id: stableUuid(`notice:${development.id}:${notice.title}`),
          createdAt: nextTime(),
        });
      }

      for (const doc of developmentDocuments(tenant, development)) {
        data.documents.push({
          id: stableUuid(`document:${development.id}:${doc.category}`),
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: null,
          createdBy: author,
          ...doc,
          createdAt: nextTime(),
        });
      }
      for (const plot of [1, 2, 3]) {
        const house = data.houses.find((h) => h.developmentId === development.id && h.plotNumber === plot)!;
        data.documents.push({
          id: stableUuid(`document:${house.id}:completion`),
          tenantId: tenant.tenantId,
          developmentId: development.id,
          houseId: house.id,
          createdBy: author,
          category: 'completion',
          title: `Completion pack for plot ${plot}`,
          body: `# Completion pack for ${house.address}

## Keys and alarm

You received three front door keys, two back door keys and the alarm fob for plot ${plot}. The alarm code for plot ${plot} is set at handover; change it in the first week.

## Appliances

Your kitchen appliances are registered to plot ${plot}; the oven, hob and extractor carry a two-year manufacturer warranty from completion.`,
          createdAt: nextTime(),
        });
      }
    }
  }
  return data;
}

export const seedData: SeedData = buildSeed();

export function findSeedUser(email: string): SeedUser | undefined {
  const wanted = email.trim().toLowerCase();
  return seedData.users.find((user) => user.email === wanted);
}
