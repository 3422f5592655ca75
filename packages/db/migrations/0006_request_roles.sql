-- RLS that uses indexes at any table size.
--
-- Until now every request ran as `authenticated`, and each table had a homeowner policy and a
-- staff policy OR-ed on `auth.app_role()`. The planner cannot turn an OR of two policies into an
-- index condition, so only `tenant_id` (common to both) was ever used: a homeowner's
-- noticeboard read scanned every notice of the tenant, or the whole table.
--
-- Now each kind of caller has its own request role, chosen by the API from a fixed map
-- (`requestRoleFor` in packages/db/src/rls.ts), and each role has exactly one policy per table and
-- command, a plain conjunction of columns that lead an index:
--   homeowner          tenant_id, development_id and house_id of the token
--   tenant_staff       tenant_id (staff whose token has no development_id)
--   development_staff  tenant_id and development_id
-- The rule for every new policy: `column = (select auth.helper())` conjuncts only, no OR between
-- callers, and an index whose leading columns are those conjuncts (the plan test enforces it).
--
-- The roles are like `authenticated`: no login, no RLS bypass, no table ownership, and they do not
-- inherit `authenticated`, so nothing granted to `authenticated` (Supabase's default grants, say)
-- reaches them. `authenticated` itself keeps no policy and no privilege on these tables.

do $$
declare
  role_name text;
begin
  foreach role_name in array array['homeowner', 'tenant_staff', 'development_staff'] loop
    begin
      execute format('create role %I nologin noinherit', role_name);
    exception when duplicate_object or unique_violation then
      null;
    end;
    -- A role that existed already keeps its attributes unless told.
    execute format('alter role %I nologin nobypassrls', role_name);
  end loop;
end
$$;

grant usage on schema auth, public to homeowner, tenant_staff, development_staff;
grant usage on schema private to homeowner;

-- Claim helpers in PL/pgSQL: a SQL function is inlined into every statement that calls it, and
-- planning the inlined jsonb expressions cost more than the query itself on a short read. Wrapped
-- in `(select …)` by the policies, each is still evaluated once per statement (an InitPlan).
create or replace function auth.jwt() returns jsonb
  language plpgsql stable
  as $$
begin
  return coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb;
end
$$;

create or replace function auth.uid() returns uuid
  language plpgsql stable
  as $$
begin
  return nullif(auth.jwt() ->> 'sub', '')::uuid;
end
$$;

create or replace function auth.tenant_id() returns uuid
  language plpgsql stable
  as $$
begin
  return nullif(auth.jwt() ->> 'tenant_id', '')::uuid;
end
$$;

create or replace function auth.development_id() returns uuid
  language plpgsql stable
  as $$
begin
  return nullif(auth.jwt() ->> 'development_id', '')::uuid;
end
$$;

create or replace function auth.house_id() returns uuid
  language plpgsql stable
  as $$
begin
  return nullif(auth.jwt() ->> 'house_id', '')::uuid;
end
$$;

create or replace function auth.app_role() returns text
  language plpgsql stable
  as $$
begin
  return auth.jwt() ->> 'app_role';
end
$$;

grant execute on all functions in schema auth to homeowner, tenant_staff, development_staff;
grant execute on function private.claim_house_invite(text) to homeowner;

-- The old policies (all `to authenticated`) and grants go; the owner policies that let a
-- non-superuser owner's SECURITY DEFINER functions work stay.
do $$
declare
  policy record;
begin
  for policy in
    select policyname, tablename from pg_policies
    where schemaname = 'public' and not (roles @> array[current_user::name])
  loop
    execute format('drop policy %I on public.%I', policy.policyname, policy.tablename);
  end loop;
end
$$;
revoke all on all tables in schema public from authenticated, anon;

-- ---------------------------------------------------------------------------------------------
-- Rollups: analytics.summary reads these instead of raw events, and notice reach reads a counter
-- instead of counting notices. Kept up to date by statement-level triggers (below).

create table analytics_daily (
  tenant_id uuid not null,
  development_id uuid,
  day date not null,
  name text not null,
  events bigint not null,
  foreign key (tenant_id, development_id) references developments (tenant_id, id)
);
create unique index analytics_daily_key
  on analytics_daily (tenant_id, development_id, day, name) nulls not distinct;
-- Covering: the summary's one scan over a tenant's days is index-only.
create index analytics_daily_tenant_day_idx
  on analytics_daily (tenant_id, day) include (development_id, name, events);

-- One row per person and development: when they were last active and last opened a notice.
-- The summary's window always ends today, so "active in the last N days" is "last active on or
-- after the window's first day": one row per person to count, whatever the window or event volume.
create table analytics_people (
  tenant_id uuid not null,
  development_id uuid,
  user_id uuid not null,
  -- A homeowner (not staff): active homeowners without a join to profiles.
  homeowner boolean not null,
  last_active_on date not null,
  last_notice_opened_on date,
  foreign key (tenant_id, development_id) references developments (tenant_id, id)
);
create unique index analytics_people_key
  on analytics_people (tenant_id, development_id, user_id) nulls not distinct;

create table development_stats (
  tenant_id uuid not null,
  development_id uuid not null primary key,
  notices bigint not null default 0,
  foreign key (tenant_id, development_id) references developments (tenant_id, id)
);
create index development_stats_tenant_idx on development_stats (tenant_id, development_id);

alter table analytics_daily enable row level security;
alter table analytics_daily force row level security;
alter table analytics_people enable row level security;
alter table analytics_people force row level security;
alter table development_stats enable row level security;
alter table development_stats force row level security;

-- The triggers run as the owner; FORCE RLS applies to a non-superuser owner too.
do $$
declare
  t text;
begin
  foreach t in array array['analytics_daily', 'analytics_people', 'development_stats'] loop
    execute format(
      'create policy %1$s_owner on %1$I for all to %2$I using (true) with check (true)', t, current_user
    );
  end loop;
  -- The rollup trigger looks up whether an event's author is a homeowner.
  execute format('create policy profiles_owner_read on profiles for select to %I using (true)', current_user);
end
$$;

create or replace function private.roll_up_analytics_events() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
begin
  -- Ordered by key, so that concurrent statements lock rollup rows in the same order.
  insert into public.analytics_daily as d (tenant_id, development_id, day, name, events)
    select tenant_id, development_id, (created_at at time zone 'UTC')::date, name, count(*)
    from inserted group by 1, 2, 3, 4 order by 1, 2, 3, 4
    on conflict (tenant_id, development_id, day, name)
    do update set events = d.events + excluded.events;
  insert into public.analytics_people as p
      (tenant_id, development_id, user_id, homeowner, last_active_on, last_notice_opened_on)
    select i.tenant_id, i.development_id, i.user_id,
      exists (select 1 from public.profiles r where r.id = i.user_id and r.app_role = 'homeowner'),
      max((i.created_at at time zone 'UTC')::date),
      max((i.created_at at time zone 'UTC')::date) filter (where i.name = 'notice.opened')
    from inserted i group by 1, 2, 3 order by 1, 2, 3
    on conflict (tenant_id, development_id, user_id)
    do update set last_active_on = greatest(p.last_active_on, excluded.last_active_on),
      last_notice_opened_on = greatest(p.last_notice_opened_on, excluded.last_notice_opened_on);
  return null;
end
$$;
revoke all on function private.roll_up_analytics_events() from public;
create trigger analytics_events_roll_up after insert on analytics_events
  referencing new table as inserted
  for each statement execute function private.roll_up_analytics_events();

create or replace function private.count_notices() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
begin
  if tg_op = 'INSERT' then
    insert into public.development_stats as s (tenant_id, development_id, notices)
      select tenant_id, development_id, count(*) from changed group by 1, 2 order by 1, 2
      on conflict (development_id) do update set notices = s.notices + excluded.notices;
  else
    update public.development_stats s set notices = s.notices - c.n
      from (select development_id, count(*) as n from changed group by 1) c
      where s.development_id = c.development_id;
  end if;
  return null;
end
$$;
revoke all on function private.count_notices() from public;
create trigger notices_count_insert after insert on notices
  referencing new table as changed
  for each statement execute function private.count_notices();
create trigger notices_count_delete after delete on notices
  referencing old table as changed
  for each statement execute function private.count_notices();

-- Recomputes every rollup from the base tables: after a bulk load that skipped triggers
-- (session_replication_role = replica), or to repair. Owner only.
create or replace function private.rebuild_rollups() returns void
  language plpgsql
  set search_path = ''
  as $$
begin
  truncate public.analytics_daily, public.analytics_people, public.development_stats;
  insert into public.analytics_daily (tenant_id, development_id, day, name, events)
    select tenant_id, development_id, (created_at at time zone 'UTC')::date, name, count(*)
    from public.analytics_events group by 1, 2, 3, 4;
  insert into public.analytics_people
      (tenant_id, development_id, user_id, homeowner, last_active_on, last_notice_opened_on)
    select e.tenant_id, e.development_id, e.user_id,
      exists (select 1 from public.profiles r where r.id = e.user_id and r.app_role = 'homeowner'),
      max((e.created_at at time zone 'UTC')::date),
      max((e.created_at at time zone 'UTC')::date) filter (where e.name = 'notice.opened')
    from public.analytics_events e group by 1, 2, 3;
  -- One grouped pass over notices, not one count per development.
  insert into public.development_stats (tenant_id, development_id, notices)
    select d.tenant_id, d.id, coalesce(n.notices, 0)
    from public.developments d
    left join (
      select tenant_id, development_id, count(*) as notices from public.notices group by 1, 2
    ) n on n.tenant_id = d.tenant_id and n.development_id = d.id;
end
$$;
revoke all on function private.rebuild_rollups() from public;
select private.rebuild_rollups();

-- ---------------------------------------------------------------------------------------------
-- Indexes for the callers the old ones did not serve: tenant-wide staff read across
-- developments newest first; keyset pages order by (time, id).

create extension if not exists btree_gin;

create index notices_tenant_recent_idx on notices (tenant_id, created_at desc, id desc);
create index documents_tenant_recent_idx on documents (tenant_id, created_at desc, id desc);
-- Onboarding's key documents: the newest development-wide document of a few categories.
create index documents_key_idx
  on documents (tenant_id, development_id, category, created_at desc, id desc) where house_id is null;
-- Retrieval matches words inside the caller's development only, never across the platform.
create index document_passages_scope_search_idx
  on document_passages using gin (tenant_id, development_id, search);
drop index document_passages_search_idx;

drop index chat_threads_homeowner_idx;
create index chat_threads_homeowner_idx
  on chat_threads (tenant_id, homeowner_id, last_message_at desc, id desc);
drop index chat_threads_inbox_idx;
create index chat_threads_inbox_idx
  on chat_threads (tenant_id, development_id, last_message_at desc, id desc);
create index chat_threads_tenant_inbox_idx on chat_threads (tenant_id, last_message_at desc, id desc);

create index profiles_house_idx on profiles (house_id) where house_id is not null;
create index house_invites_house_idx on house_invites (tenant_id, house_id, created_at desc);

-- ---------------------------------------------------------------------------------------------
-- Policies: one per role, table and command. `T`, `D`, `H`, `U` below stand for the token's
-- tenant, development, house and user.

-- Scope predicates by role, for tables with tenant_id and development_id columns.
create or replace function private.create_scope_policies(
  table_name text, command text, homeowner_check text, with_staff boolean
) returns void
  language plpgsql
  set search_path = ''
  as $$
declare
  clause text := case when command = 'insert' then 'with check' else 'using' end;
  tenant text := 'tenant_id = (select auth.tenant_id())';
  development text := 'development_id = (select auth.development_id())';
begin
  if homeowner_check is not null then
    execute format('create policy %1$s_%2$s_homeowner on public.%1$I for %2$s to homeowner %3$s (%4$s)',
      table_name, command, clause, homeowner_check);
  end if;
  if with_staff then
    execute format('create policy %1$s_%2$s_tenant_staff on public.%1$I for %2$s to tenant_staff %3$s (%4$s)',
      table_name, command, clause, tenant);
    execute format(
      'create policy %1$s_%2$s_development_staff on public.%1$I for %2$s to development_staff %3$s (%4$s and %5$s)',
      table_name, command, clause, tenant, development);
  end if;
end
$$;
revoke all on function private.create_scope_policies(text, text, text, boolean) from public;

-- Tenants: everyone reads their own.
create policy tenants_select on tenants for select to homeowner, tenant_staff, development_staff
  using (tenant_id = (select auth.tenant_id()));

-- Developments: key `id`, not `development_id`.
create policy developments_select_homeowner on developments for select to homeowner
  using (tenant_id = (select auth.tenant_id()) and id = (select auth.development_id()));
create policy developments_select_tenant_staff on developments for select to tenant_staff
  using (tenant_id = (select auth.tenant_id()));
create policy developments_select_development_staff on developments for select to development_staff
  using (tenant_id = (select auth.tenant_id()) and id = (select auth.development_id()));

-- Houses: a homeowner sees their own house, inside their own development.
select private.create_scope_policies('houses', 'select',
  'tenant_id = (select auth.tenant_id()) and development_id = (select auth.development_id())
   and id = (select auth.house_id())', true);

-- Profiles: everyone reads and edits their own; staff read their scope's people.
create policy profiles_select_self on profiles for select to homeowner, tenant_staff, development_staff
  using (id = (select auth.uid()) and tenant_id = (select auth.tenant_id()));
create policy profiles_update_self on profiles for update to homeowner, tenant_staff, development_staff
  using (id = (select auth.uid()) and tenant_id = (select auth.tenant_id()))
  with check (id = (select auth.uid()) and tenant_id = (select auth.tenant_id()));
select private.create_scope_policies('profiles', 'select', null, true);

-- Notices, documents and passages: development-wide or the homeowner's own house; staff publish.
do $$
declare
  t text;
begin
  foreach t in array array['notices', 'documents', 'document_passages'] loop
    perform private.create_scope_policies(t, 'select',
      'tenant_id = (select auth.tenant_id()) and development_id = (select auth.development_id())
       and (house_id is null or house_id = (select auth.house_id()))', true);
    perform private.create_scope_policies(t, 'insert', null, true);
  end loop;
end
$$;

-- Chat threads: a homeowner's own (opened for their own house); staff read and mark read.
select private.create_scope_policies('chat_threads', 'select',
  'tenant_id = (select auth.tenant_id()) and homeowner_id = (select auth.uid())', true);
select private.create_scope_policies('chat_threads', 'insert',
  'tenant_id = (select auth.tenant_id()) and homeowner_id = (select auth.uid())
   and development_id = (select auth.development_id()) and house_id = (select auth.house_id())', false);
select private.create_scope_policies('chat_threads', 'update',
  'tenant_id = (select auth.tenant_id()) and homeowner_id = (select auth.uid())', true);

-- Chat messages: written only into a thread the writer can see, with the thread's own
-- development and homeowner (the subquery runs under the writer's own thread policy).
select private.create_scope_policies('chat_messages', 'select',
  'tenant_id = (select auth.tenant_id()) and homeowner_id = (select auth.uid())', true);
create policy chat_messages_insert_homeowner on chat_messages for insert to homeowner
  with check (
    tenant_id = (select auth.tenant_id())
    and homeowner_id = (select auth.uid())
    and author_id = (select auth.uid())
    and exists (
      select 1 from chat_threads t
      where t.tenant_id = chat_messages.tenant_id and t.id = chat_messages.thread_id
        and t.homeowner_id = chat_messages.homeowner_id and t.development_id = chat_messages.development_id
    )
  );
create policy chat_messages_insert_tenant_staff on chat_messages for insert to tenant_staff
  with check (
    tenant_id = (select auth.tenant_id())
    and author_id = (select auth.uid())
    and exists (
      select 1 from chat_threads t
      where t.tenant_id = chat_messages.tenant_id and t.id = chat_messages.thread_id
        and t.homeowner_id = chat_messages.homeowner_id and t.development_id = chat_messages.development_id
    )
  );
create policy chat_messages_insert_development_staff on chat_messages for insert to development_staff
  with check (
    tenant_id = (select auth.tenant_id())
    and development_id = (select auth.development_id())
    and author_id = (select auth.uid())
    and exists (
      select 1 from chat_threads t
      where t.tenant_id = chat_messages.tenant_id and t.id = chat_messages.thread_id
        and t.homeowner_id = chat_messages.homeowner_id and t.development_id = chat_messages.development_id
    )
  );

-- Onboarding progress: the homeowner's own row, in their own house; staff read.
select private.create_scope_policies('onboarding_progress', 'select',
  'tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())', true);
select private.create_scope_policies('onboarding_progress', 'insert',
  'tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())
   and development_id = (select auth.development_id()) and house_id = (select auth.house_id())', false);
select private.create_scope_policies('onboarding_progress', 'update',
  'tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())
   and development_id = (select auth.development_id()) and house_id = (select auth.house_id())', false);

-- Analytics: everyone records their own events inside their own scope; staff read.
create policy analytics_events_insert_homeowner on analytics_events for insert to homeowner
  with check (
    tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())
    and development_id = (select auth.development_id())
  );
create policy analytics_events_insert_tenant_staff on analytics_events for insert to tenant_staff
  with check (tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid()));
create policy analytics_events_insert_development_staff on analytics_events for insert to development_staff
  with check (
    tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())
    and development_id = (select auth.development_id())
  );
do $$
declare
  t text;
begin
  foreach t in array array['analytics_events', 'analytics_daily', 'analytics_people', 'development_stats'] loop
    perform private.create_scope_policies(t, 'select', null, true);
  end loop;
end
$$;

-- Invites: staff only (homeowners claim through private.claim_house_invite).
select private.create_scope_policies('house_invites', 'select', null, true);
select private.create_scope_policies('house_invites', 'insert', null, true);
select private.create_scope_policies('house_invites', 'update', null, true);

-- Assistant: a homeowner's own questions; staff read them for the analytics.
select private.create_scope_policies('assistant_questions', 'select',
  'tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())', true);
select private.create_scope_policies('assistant_questions', 'insert',
  'tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())
   and development_id = (select auth.development_id()) and house_id = (select auth.house_id())', false);

-- ---------------------------------------------------------------------------------------------
-- Grants: every role may read every table (the policies decide which rows: none where a role
-- has no policy); writes per role and command, and per column where a role updates.

grant select on all tables in schema public to homeowner, tenant_staff, development_staff;
-- No homeowner policy matches any invite: an attempt updates nothing, as before.
grant update (revoked_at) on house_invites to homeowner;

grant update (display_name, contact_channel, contact_phone) on profiles
  to homeowner, tenant_staff, development_staff;
grant insert on notices, documents, document_passages, house_invites to tenant_staff, development_staff;
grant update (revoked_at) on house_invites to tenant_staff, development_staff;
grant insert on chat_threads to homeowner;
grant update (last_message_at, homeowner_read_at) on chat_threads to homeowner;
grant update (last_message_at, staff_read_at) on chat_threads to tenant_staff, development_staff;
grant insert on chat_messages, analytics_events to homeowner, tenant_staff, development_staff;
grant insert, update on onboarding_progress to homeowner;
grant insert on assistant_questions to homeowner;
