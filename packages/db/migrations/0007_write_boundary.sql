-- The database is the boundary for writes, whatever the grants (issue 12).
--
-- 0006 gave every request role one policy per table and command and narrowed the grants. Here the
-- same rules are made to hold when the grants are broad — Supabase grants ALL on every table to
-- `anon` and `authenticated` by default, and a `grant all` is one line away — so no rule rests on
-- a grant that happens to be missing:
--   1. composite foreign keys: a row references only rows of its own tenant, and of its own
--      development, house or thread where it has one, whatever a policy lets through;
--   2. column guards: a request role changes only the columns listed for it, and leaves the
--      columns the server fills (author, created_at, the other side's read marker, invite use) as
--      the server fills them;
--   3. onboarding: no step is recorded before the homeowner has claimed their house's invite;
--   4. TRUNCATE (which RLS does not see) and DDL are refused to request roles;
--   5. PUBLIC loses TEMP on the database: a temp table shadows a real one for unqualified names.
--
-- "Trusted" below means a superuser, a BYPASSRLS role or the table's owner: roles that RLS does
-- not hold anyway (the owner's SECURITY DEFINER functions, migrations, seeding).

-- ---------------------------------------------------------------------------------------------
-- 1. Composite foreign keys. The keys they reference:

alter table profiles
  add constraint profiles_tenant_id_id_key unique (tenant_id, id),
  -- A homeowner's place: what threads, onboarding, questions and invite use point at.
  add constraint profiles_tenant_id_development_id_house_id_id_key unique (tenant_id, development_id, house_id, id);
alter table documents
  add constraint documents_tenant_id_development_id_id_key unique (tenant_id, development_id, id);
alter table chat_threads
  add constraint chat_threads_tenant_id_development_id_id_homeowner_id_key
    unique (tenant_id, development_id, id, homeowner_id);

-- A message belongs to a thread of its own tenant, development and homeowner; a message labelled
-- with one development or homeowner cannot sit in another's thread.
alter table chat_messages
  drop constraint chat_messages_tenant_id_thread_id_fkey,
  add constraint chat_messages_thread_fkey foreign key (tenant_id, development_id, thread_id, homeowner_id)
    references chat_threads (tenant_id, development_id, id, homeowner_id) on delete cascade,
  add constraint chat_messages_author_fkey foreign key (tenant_id, author_id) references profiles (tenant_id, id);

-- A thread's homeowner lives in the thread's house.
alter table chat_threads
  drop constraint chat_threads_homeowner_id_fkey,
  add constraint chat_threads_homeowner_fkey foreign key (tenant_id, development_id, house_id, homeowner_id)
    references profiles (tenant_id, development_id, house_id, id);

-- A passage belongs to a document of its own development, and its house is a house of it.
alter table document_passages
  drop constraint document_passages_tenant_id_document_id_fkey,
  add constraint document_passages_document_fkey foreign key (tenant_id, development_id, document_id)
    references documents (tenant_id, development_id, id) on delete cascade,
  add constraint document_passages_house_fkey foreign key (tenant_id, development_id, house_id)
    references houses (tenant_id, development_id, id);

-- An invite is used and issued by people of its own tenant. Only private.claim_house_invite
-- marks one used, and only for the caller's own house (the column guard below keeps staff out).
alter table house_invites
  drop constraint house_invites_used_by_fkey,
  add constraint house_invites_used_by_fkey foreign key (tenant_id, used_by) references profiles (tenant_id, id),
  add constraint house_invites_created_by_fkey foreign key (tenant_id, created_by) references profiles (tenant_id, id);

-- Onboarding progress and assistant questions are the homeowner's, in the homeowner's house.
alter table onboarding_progress
  drop constraint onboarding_progress_user_id_fkey,
  add constraint onboarding_progress_user_fkey foreign key (tenant_id, development_id, house_id, user_id)
    references profiles (tenant_id, development_id, house_id, id);
alter table assistant_questions
  drop constraint assistant_questions_user_id_fkey,
  add constraint assistant_questions_user_fkey foreign key (tenant_id, development_id, house_id, user_id)
    references profiles (tenant_id, development_id, house_id, id);

-- Authors and event owners are people of the row's tenant.
alter table notices
  add constraint notices_author_fkey foreign key (tenant_id, author_id) references profiles (tenant_id, id);
alter table documents
  add constraint documents_created_by_fkey foreign key (tenant_id, created_by) references profiles (tenant_id, id);
alter table analytics_events
  add constraint analytics_events_user_fkey foreign key (tenant_id, user_id) references profiles (tenant_id, id);

-- A foreign key cannot say "the passage's house is its document's house" when either is null (a
-- development-wide passage of a one-house document would be readable by every homeowner of the
-- development), so a trigger does. It holds for every writer, trusted ones included.
create or replace function private.check_passage_house() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  if new.house_id is distinct from
      (select d.house_id from public.documents d where d.tenant_id = new.tenant_id and d.id = new.document_id) then
    raise exception using
      errcode = 'foreign_key_violation',
      message = 'document_passages.house_id must be the house_id of its document';
  end if;
  return new;
end
$$;
revoke all on function private.check_passage_house() from public;
create trigger document_passages_house_check before insert or update of house_id, document_id
  on document_passages for each row execute function private.check_passage_house();

-- ---------------------------------------------------------------------------------------------
-- 2. Column guards. Trigger functions run as the caller (not SECURITY DEFINER) so that they can
-- tell who is writing; the trust test is spelled out in each because request roles other than
-- `homeowner` have no USAGE on schema private to call a shared helper.

-- UPDATE: arguments 'role:column,column' list what each role may change; any other column
-- changed by an untrusted role, or any column by a role not listed, is refused.
create or replace function private.guard_update() returns trigger
  language plpgsql
  set search_path = ''
  as $$
declare
  spec text;
  allowed text[] := '{}';
  changed text[];
begin
  if (select r.rolsuper or r.rolbypassrls or pg_has_role(r.oid, c.relowner, 'MEMBER')
      from pg_roles r, pg_class c where r.rolname = current_user and c.oid = tg_relid) then
    return new;
  end if;
  foreach spec in array tg_argv loop
    if split_part(spec, ':', 1) = current_user then
      allowed := string_to_array(split_part(spec, ':', 2), ',');
    end if;
  end loop;
  select array_agg(n.key order by n.key) into changed
    from jsonb_each(to_jsonb(new)) n join jsonb_each(to_jsonb(old)) o on o.key = n.key
    where n.value is distinct from o.value and n.key <> all (allowed);
  if changed is not null then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('%s may not change %s.%s', current_user, tg_table_name, array_to_string(changed, ', '));
  end if;
  return new;
end
$$;
revoke all on function private.guard_update() from public;

-- INSERT: arguments 'column=rule' name the columns the server fills; an untrusted writer must
-- leave them so. Rules: now (the transaction's now(), the column default), null, uid (auth.uid()).
create or replace function private.guard_insert() returns trigger
  language plpgsql
  set search_path = ''
  as $$
declare
  spec text;
  col text;
  rule text;
  value jsonb;
  written jsonb := to_jsonb(new);
begin
  if (select r.rolsuper or r.rolbypassrls or pg_has_role(r.oid, c.relowner, 'MEMBER')
      from pg_roles r, pg_class c where r.rolname = current_user and c.oid = tg_relid) then
    return new;
  end if;
  foreach spec in array tg_argv loop
    col := split_part(spec, '=', 1);
    rule := split_part(spec, '=', 2);
    value := written -> col;
    -- `is not true`: an unknown rule or column refuses rather than lets through.
    if (case rule
          when 'now' then value = to_jsonb(now())
          when 'null' then value = 'null'::jsonb
          when 'uid' then value = to_jsonb(auth.uid())
        end) is not true then
      raise exception using
        errcode = 'insufficient_privilege',
        message = format('%s may not choose %s.%s (the server sets it)', current_user, tg_table_name, col);
    end if;
  end loop;
  return new;
end
$$;
revoke all on function private.guard_insert() from public;

create trigger profiles_guard_update before update on profiles for each row
  execute function private.guard_update(
    'homeowner:display_name,contact_channel,contact_phone',
    'tenant_staff:display_name,contact_channel,contact_phone',
    'development_staff:display_name,contact_channel,contact_phone');

-- Each side moves its own read marker; subject, owner, house and created_at never change.
create trigger chat_threads_guard_update before update on chat_threads for each row
  execute function private.guard_update(
    'homeowner:last_message_at,homeowner_read_at',
    'tenant_staff:last_message_at,staff_read_at',
    'development_staff:last_message_at,staff_read_at');
create trigger chat_threads_guard_insert before insert on chat_threads for each row
  execute function private.guard_insert('created_at=now', 'last_message_at=now', 'staff_read_at=null');
create trigger chat_messages_guard_insert before insert on chat_messages for each row
  execute function private.guard_insert('created_at=now', 'author_id=uid');

-- Staff revoke invites; only private.claim_house_invite (the owner) marks one used.
create trigger house_invites_guard_update before update on house_invites for each row
  execute function private.guard_update('tenant_staff:revoked_at', 'development_staff:revoked_at');
create trigger house_invites_guard_insert before insert on house_invites for each row
  execute function private.guard_insert('created_by=uid', 'created_at=now', 'used_at=null', 'used_by=null');

create trigger onboarding_progress_guard_update before update on onboarding_progress for each row
  execute function private.guard_update('homeowner:completed_steps,acknowledged_documents,updated_at');

create trigger notices_guard_insert before insert on notices for each row
  execute function private.guard_insert('author_id=uid', 'created_at=now');
create trigger documents_guard_insert before insert on documents for each row
  execute function private.guard_insert('created_by=uid', 'created_at=now');
create trigger analytics_events_guard_insert before insert on analytics_events for each row
  execute function private.guard_insert('user_id=uid', 'created_at=now');
create trigger assistant_questions_guard_insert before insert on assistant_questions for each row
  execute function private.guard_insert('user_id=uid', 'created_at=now');

-- ---------------------------------------------------------------------------------------------
-- 3. Onboarding: a homeowner records steps only once their house's invite is used by them. The
-- API claims first (private.claim_house_invite) and then records 'claim' in the same transaction.

-- Whether the caller's own house has an invite the caller used. Takes no arguments, so it tells
-- nobody anything about another house or person. SECURITY DEFINER: homeowners cannot read invites.
create or replace function private.house_claimed_by_caller() returns boolean
  language sql
  stable
  security definer
  set search_path = ''
  as $$
    select exists (
      select 1 from public.house_invites
      where tenant_id = auth.tenant_id() and house_id = auth.house_id() and used_by = auth.uid()
    )
  $$;
revoke all on function private.house_claimed_by_caller() from public;
grant execute on function private.house_claimed_by_caller() to homeowner;

create or replace function private.guard_onboarding_progress() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  if (select r.rolsuper or r.rolbypassrls or pg_has_role(r.oid, c.relowner, 'MEMBER')
      from pg_roles r, pg_class c where r.rolname = current_user and c.oid = tg_relid) then
    return new;
  end if;
  if cardinality(new.completed_steps) > 0 and (
    -- Another person's row (the policies refuse it too) never reaches the invite lookup.
    new.user_id is distinct from auth.uid()
    or new.tenant_id is distinct from auth.tenant_id()
    or new.house_id is distinct from auth.house_id()
    or not private.house_claimed_by_caller()
  ) then
    raise exception using
      errcode = 'insufficient_privilege',
      message = 'onboarding steps are recorded only after the house is claimed with its invite code';
  end if;
  return new;
end
$$;
revoke all on function private.guard_onboarding_progress() from public;
create trigger onboarding_progress_guard_steps before insert or update on onboarding_progress for each row
  execute function private.guard_onboarding_progress();

-- ---------------------------------------------------------------------------------------------
-- 4. TRUNCATE skips row-level security entirely, and `grant all` includes it.

create or replace function private.refuse_truncate() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  if (select r.rolsuper or r.rolbypassrls or pg_has_role(r.oid, c.relowner, 'MEMBER')
      from pg_roles r, pg_class c where r.rolname = current_user and c.oid = tg_relid) then
    return null;
  end if;
  raise exception using
    errcode = 'insufficient_privilege',
    message = format('%s may not truncate %s', current_user, tg_table_name);
end
$$;
revoke all on function private.refuse_truncate() from public;
do $$
declare
  t text;
begin
  for t in select tablename from pg_tables where schemaname = 'public' loop
    execute format(
      'create trigger %I before truncate on public.%I for each statement execute function private.refuse_truncate()',
      t || '_refuse_truncate', t);
  end loop;
end
$$;

-- `grant all` also includes TRIGGER: a request role could attach a trigger to a shared table and
-- fail every tenant's writes. Roles that serve requests never run DDL. Creating an event trigger
-- needs a superuser (or Supabase's supautils); without one this step is skipped, and the
-- grants — which never include TRIGGER — remain the only barrier.
create or replace function private.refuse_request_role_ddl() returns event_trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  if current_user in ('anon', 'authenticated', 'homeowner', 'tenant_staff', 'development_staff') then
    raise exception using
      errcode = 'insufficient_privilege',
      message = format('%s may not run %s', current_user, tg_tag);
  end if;
end
$$;
revoke all on function private.refuse_request_role_ddl() from public;
do $$
begin
  create event trigger refuse_request_role_ddl on ddl_command_start
    execute function private.refuse_request_role_ddl();
exception when insufficient_privilege then
  raise notice 'not allowed to create event triggers: request roles are kept from DDL by grants only';
end
$$;

-- ---------------------------------------------------------------------------------------------
-- 5. Privileges PUBLIC should not have. A temp table or function named like a real one shadows
-- it for unqualified names on that session (and a pooled session outlives the request). Database
-- privileges are not copied by CREATE DATABASE … TEMPLATE: a clone needs this statement again.
do $$
begin
  execute format('revoke temporary on database %I from public', current_database());
end
$$;
-- Already so on a cluster created by PostgreSQL 15 or later; not on one upgraded from before.
revoke create on schema public from public;
