import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  json,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * Drizzle's view of the tables. The SQL migrations in `../migrations` are the source of truth
 * (they also hold the RLS policies); this file only describes the columns for typed queries.
 */

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
// Filled by the column default `auth.tenant_id()` from the caller's claims.
const tenantId = () =>
  uuid('tenant_id')
    .notNull()
    .default(sql`auth.tenant_id()`);

export const tenants = pgTable('tenants', {
  tenantId: uuid('tenant_id').primaryKey(),
  name: text('name').notNull(),
  slug: text('slug').notNull(),
  createdAt: createdAt(),
});

export const developments = pgTable('developments', {
  id: uuid('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  name: text('name').notNull(),
  slug: text('slug').notNull(),
  town: text('town').notNull(),
  createdAt: createdAt(),
});

export const houses = pgTable('houses', {
  id: uuid('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  developmentId: uuid('development_id').notNull(),
  plotNumber: integer('plot_number').notNull(),
  address: text('address').notNull(),
  createdAt: createdAt(),
});

export const profiles = pgTable('profiles', {
  id: uuid('id').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  developmentId: uuid('development_id'),
  houseId: uuid('house_id'),
  appRole: text('app_role', { enum: ['homeowner', 'developer'] }).notNull(),
  email: text('email').notNull(),
  displayName: text('display_name').notNull(),
  contactChannel: text('contact_channel', { enum: ['email', 'phone', 'sms'] })
    .notNull()
    .default('email'),
  contactPhone: text('contact_phone'),
  createdAt: createdAt(),
});

export const notices = pgTable('notices', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id'),
  authorId: uuid('author_id')
    .notNull()
    .default(sql`auth.uid()`),
  title: text('title').notNull(),
  body: text('body').notNull(),
  createdAt: createdAt(),
});

/** One homeowner's read of one notice: the noticeboard's unread markers (migration 0011). */
export const noticeReads = pgTable('notice_reads', {
  tenantId: tenantId(),
  userId: uuid('user_id')
    .notNull()
    .default(sql`auth.uid()`),
  noticeId: uuid('notice_id').notNull(),
  readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
});

export const documents = pgTable('documents', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id'),
  createdBy: uuid('created_by')
    .notNull()
    .default(sql`auth.uid()`),
  title: text('title').notNull(),
  category: text('category').notNull(),
  body: text('body').notNull(),
  createdAt: createdAt(),
  // Migration 0010: staff edit and withdraw documents; homeowners never see a withdrawn one.
  updatedAt: timestamp('updated_at', { withTimezone: true }),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  withdrawn: boolean('withdrawn')
    .notNull()
    .generatedAlwaysAs(sql`withdrawn_at is not null`),
});

export const documentPassages = pgTable('document_passages', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  tenantId: uuid('tenant_id').notNull(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id'),
  documentId: uuid('document_id').notNull(),
  position: integer('position').notNull(),
  heading: text('heading'),
  content: text('content').notNull(),
  search: tsvector('search').generatedAlwaysAs(
    sql`setweight(to_tsvector('english', coalesce(heading, '')), 'A') || to_tsvector('english', content)`,
  ),
  /** Its document's `withdrawn`, kept equal by a foreign key (migration 0010). */
  withdrawn: boolean('withdrawn').notNull().default(false),
});

export const chatThreads = pgTable('chat_threads', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id').notNull(),
  homeownerId: uuid('homeowner_id').notNull(),
  subject: text('subject').notNull(),
  createdAt: createdAt(),
  lastMessageAt: timestamp('last_message_at', { withTimezone: true }).notNull().defaultNow(),
  staffReadAt: timestamp('staff_read_at', { withTimezone: true }),
  homeownerReadAt: timestamp('homeowner_read_at', { withTimezone: true }),
});

export const chatMessages = pgTable('chat_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  threadId: uuid('thread_id').notNull(),
  homeownerId: uuid('homeowner_id').notNull(),
  authorId: uuid('author_id')
    .notNull()
    .default(sql`auth.uid()`),
  body: text('body').notNull(),
  createdAt: createdAt(),
});

export const onboardingProgress = pgTable('onboarding_progress', {
  userId: uuid('user_id').primaryKey(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id').notNull(),
  completedSteps: text('completed_steps')
    .array()
    .notNull()
    .default(sql`'{}'`),
  acknowledgedDocuments: uuid('acknowledged_documents')
    .array()
    .notNull()
    .default(sql`'{}'`),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const analyticsEvents = pgTable('analytics_events', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  tenantId: tenantId(),
  developmentId: uuid('development_id'),
  userId: uuid('user_id')
    .notNull()
    .default(sql`auth.uid()`),
  name: text('name').notNull(),
  properties: jsonb('properties').$type<Record<string, unknown>>().notNull().default({}),
  createdAt: createdAt(),
});

export const houseInvites = pgTable('house_invites', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id').notNull(),
  codeHash: text('code_hash').notNull(),
  codeHint: text('code_hint').notNull(),
  createdBy: uuid('created_by')
    .notNull()
    .default(sql`auth.uid()`),
  createdAt: createdAt(),
  expiresAt: timestamp('expires_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedBy: uuid('used_by'),
});

export interface Citation {
  documentId: string;
  passageId: number;
  title: string;
  heading: string | null;
  snippet: string;
}

export const assistantQuestions = pgTable('assistant_questions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: tenantId(),
  developmentId: uuid('development_id').notNull(),
  houseId: uuid('house_id').notNull(),
  userId: uuid('user_id')
    .notNull()
    .default(sql`auth.uid()`),
  question: text('question').notNull(),
  answer: text('answer').notNull(),
  answeredBy: text('answered_by', { enum: ['passages', 'model', 'none'] }).notNull(),
  topic: text('topic'),
  citations: jsonb('citations').$type<Citation[]>().notNull().default([]),
  createdAt: createdAt(),
});

/** Rollups kept by triggers as events and notices arrive (migration 0006); read by analytics.summary. */
export const analyticsDaily = pgTable('analytics_daily', {
  tenantId: uuid('tenant_id').notNull(),
  developmentId: uuid('development_id'),
  day: date('day').notNull(),
  name: text('name').notNull(),
  events: bigint('events', { mode: 'number' }).notNull(),
});

export const analyticsPeople = pgTable('analytics_people', {
  tenantId: uuid('tenant_id').notNull(),
  developmentId: uuid('development_id'),
  userId: uuid('user_id').notNull(),
  homeowner: boolean('homeowner').notNull(),
  lastActiveOn: date('last_active_on').notNull(),
  lastNoticeOpenedOn: date('last_notice_opened_on'),
});

export const developmentStats = pgTable('development_stats', {
  tenantId: uuid('tenant_id').notNull(),
  developmentId: uuid('development_id').primaryKey(),
  notices: bigint('notices', { mode: 'number' }).notNull(),
});

/** Stored first responses of mutations sent with an `Idempotency-Key` (migration 0009). */
export const idempotencyKeys = pgTable('idempotency_keys', {
  tenantId: uuid('tenant_id').notNull(),
  userId: uuid('user_id').notNull(),
  key: text('key').notNull(),
  requestHash: text('request_hash').notNull(),
  // json, not jsonb: kept as written, so a replay is the first answer byte for byte.
  response: json('response').notNull(),
  createdAt: createdAt(),
});
