-- Invite codes for claiming a house, homeowners' contact preferences, what onboarding recorded,
-- chat read markers (for unread counts) and the assistant's questions and answers.

-- Staff issue a code per house; the homeowner types it in to claim their home. Only a hash is
-- stored (sha256 of the normalised code), so a leaked table does not leak usable codes.
create table house_invites (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  house_id uuid not null,
  code_hash text not null unique,
  -- The last four characters, so staff can tell codes apart without seeing them again.
  code_hint text not null check (length(code_hint) = 4),
  created_by uuid not null default auth.uid(),
  created_at timestamptz not null default now(),
  expires_at timestamptz,
  revoked_at timestamptz,
  used_at timestamptz,
  used_by uuid references profiles (id),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id)
);
create index house_invites_scope_idx on house_invites (tenant_id, development_id, house_id, created_at desc);

alter table house_invites enable row level security;
alter table house_invites force row level security;

-- Staff only. Homeowners have no policy at all: they claim through private.claim_house_invite.
create policy house_invites_staff on house_invites for all to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  )
  with check (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  );

grant select, insert on house_invites to authenticated;
grant update (revoked_at) on house_invites to authenticated;

-- Claims an invite code for the caller's own house. A homeowner cannot read house_invites, so
-- this runs as the migration role (SECURITY DEFINER) with a fixed search_path, and checks the
-- code against the caller's claims itself. A code of another house or tenant is answered exactly
-- like a code that does not exist.
--   'claimed'          the code was unused and is now the caller's
--   'already_claimed'  the caller used this code before (a repeated call)
--   'invalid' | 'used' | 'revoked' | 'expired'
create or replace function private.claim_house_invite(code text) returns text
  language plpgsql
  security definer
  set search_path = ''
  as $$
declare
  invite public.house_invites%rowtype;
  normalised text := upper(regexp_replace(coalesce(code, ''), '[^A-Za-z0-9]', '', 'g'));
begin
  if (select auth.app_role()) is distinct from 'homeowner' or auth.uid() is null then
    return 'invalid';
  end if;
  select * into invite from public.house_invites
    where code_hash = encode(pg_catalog.sha256(convert_to(normalised, 'UTF8')), 'hex')
      and tenant_id = auth.tenant_id()
      and house_id = auth.house_id()
    for update;
  if not found then
    return 'invalid';
  end if;
  if invite.used_at is not null then
    return case when invite.used_by = auth.uid() then 'already_claimed' else 'used' end;
  end if;
  if invite.revoked_at is not null then
    return 'revoked';
  end if;
  if invite.expires_at is not null and invite.expires_at <= now() then
    return 'expired';
  end if;
  update public.house_invites set used_at = now(), used_by = auth.uid() where id = invite.id;
  return 'claimed';
end
$$;
revoke all on function private.claim_house_invite(text) from public;
-- FORCE RLS applies to the owner too: when the migration role is neither a superuser nor
-- BYPASSRLS, this lets the function (and only the owner role) see the codes.
do $$
begin
  execute format(
    'create policy house_invites_owner on house_invites for all to %I using (true) with check (true)',
    current_user
  );
end
$$;
grant usage on schema private to authenticated;
grant execute on function private.claim_house_invite(text) to authenticated;

-- Profile step: how the homeowner wants to be contacted.
alter table profiles
  add column contact_channel text not null default 'email' check (contact_channel in ('email', 'phone', 'sms')),
  add column contact_phone text check (length(contact_phone) <= 30);
grant update (contact_channel, contact_phone) on profiles to authenticated;

-- Documents step: which key documents the homeowner acknowledged.
alter table onboarding_progress add column acknowledged_documents uuid[] not null default '{}';

-- Read markers: a thread's unread count is the other side's messages after the reader's marker.
alter table chat_threads
  add column staff_read_at timestamptz,
  add column homeowner_read_at timestamptz;

create table assistant_questions (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  house_id uuid not null,
  user_id uuid not null default auth.uid() references profiles (id),
  question text not null check (length(question) between 1 and 500),
  answer text not null,
  -- 'passages' (composed from the retrieved passages), 'model' (an external model), 'none' (not known)
  answered_by text not null check (answered_by in ('passages', 'model', 'none')),
  -- The category of the best cited document: what the analytics call the question's topic.
  topic text,
  citations jsonb not null default '[]',
  created_at timestamptz not null default now(),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id)
);
create index assistant_questions_user_idx on assistant_questions (tenant_id, user_id, created_at desc);
create index assistant_questions_scope_idx on assistant_questions (tenant_id, development_id, created_at desc);

alter table assistant_questions enable row level security;
alter table assistant_questions force row level security;

create policy assistant_questions_homeowner on assistant_questions for all to authenticated
  using (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and user_id = (select auth.uid())
  )
  with check (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and user_id = (select auth.uid())
    and development_id = (select auth.development_id())
    and house_id = (select auth.house_id())
  );
create policy assistant_questions_staff_read on assistant_questions for select to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  );

grant select, insert on assistant_questions to authenticated;
