-- Support chat, onboarding progress and analytics events.

create table chat_threads (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  house_id uuid not null,
  homeowner_id uuid not null references profiles (id),
  subject text not null check (length(subject) between 1 and 200),
  created_at timestamptz not null default now(),
  last_message_at timestamptz not null default now(),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id),
  unique (tenant_id, id)
);
create index chat_threads_homeowner_idx on chat_threads (tenant_id, homeowner_id, last_message_at desc);
create index chat_threads_inbox_idx on chat_threads (tenant_id, development_id, last_message_at desc);

create table chat_messages (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  thread_id uuid not null,
  -- The thread owner, copied so the homeowner policy needs no join.
  homeowner_id uuid not null,
  author_id uuid not null default auth.uid(),
  body text not null check (length(body) between 1 and 4000),
  created_at timestamptz not null default now(),
  foreign key (tenant_id, thread_id) references chat_threads (tenant_id, id) on delete cascade
);
create index chat_messages_thread_idx on chat_messages (tenant_id, thread_id, created_at desc, id desc);
create index chat_messages_homeowner_idx on chat_messages (tenant_id, homeowner_id);

create table onboarding_progress (
  user_id uuid primary key references profiles (id),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  house_id uuid not null,
  completed_steps text[] not null default '{}',
  updated_at timestamptz not null default now(),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id)
);
create index onboarding_progress_scope_idx on onboarding_progress (tenant_id, development_id);

create table analytics_events (
  id bigint generated always as identity primary key,
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid,
  user_id uuid not null default auth.uid(),
  name text not null check (length(name) between 1 and 64),
  properties jsonb not null default '{}',
  created_at timestamptz not null default now(),
  foreign key (tenant_id, development_id) references developments (tenant_id, id)
);
create index analytics_events_scope_idx on analytics_events (tenant_id, development_id, created_at desc);

alter table chat_threads enable row level security;
alter table chat_threads force row level security;
alter table chat_messages enable row level security;
alter table chat_messages force row level security;
alter table onboarding_progress enable row level security;
alter table onboarding_progress force row level security;
alter table analytics_events enable row level security;
alter table analytics_events force row level security;

-- Homeowners: their own threads and messages, in their own house.
create policy chat_threads_homeowner on chat_threads for all to authenticated
  using (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and homeowner_id = (select auth.uid())
  )
  with check (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and homeowner_id = (select auth.uid())
    and development_id = (select auth.development_id())
    and house_id = (select auth.house_id())
  );
create policy chat_messages_homeowner on chat_messages for all to authenticated
  using (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and homeowner_id = (select auth.uid())
  )
  with check (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and homeowner_id = (select auth.uid())
    and author_id = (select auth.uid())
  );

-- Staff: their tenant's threads (one development when the token is scoped to one).
do $$
declare
  t text;
begin
  foreach t in array array['chat_threads', 'chat_messages'] loop
    execute format($p$
      create policy %1$s_staff on %1$I for all to authenticated
        using (
          (select auth.app_role()) = 'developer'
          and tenant_id = (select auth.tenant_id())
          and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
        )
        with check (
          (select auth.app_role()) = 'developer'
          and tenant_id = (select auth.tenant_id())
          and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
        )
    $p$, t);
  end loop;
end
$$;

create policy onboarding_progress_self on onboarding_progress for all to authenticated
  using (tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid()))
  with check (
    tenant_id = (select auth.tenant_id())
    and user_id = (select auth.uid())
    and development_id = (select auth.development_id())
    and house_id = (select auth.house_id())
  );
create policy onboarding_progress_staff_read on onboarding_progress for select to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  );

-- Anyone signed in records their own events in their own tenant; only staff read them.
create policy analytics_events_track on analytics_events for insert to authenticated
  with check (
    tenant_id = (select auth.tenant_id())
    and user_id = (select auth.uid())
    and (
      (select auth.app_role()) = 'developer'
      or development_id is not distinct from (select auth.development_id())
    )
  );
create policy analytics_events_staff_read on analytics_events for select to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  );

grant select, insert, update on chat_threads to authenticated;
grant select, insert on chat_messages to authenticated;
grant select, insert, update on onboarding_progress to authenticated;
grant select, insert on analytics_events to authenticated;
