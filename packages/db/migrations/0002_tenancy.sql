-- Tenants (developer companies), their developments, houses and people.
--
-- Policy pattern used by every table: helpers are wrapped in `(select ...)` so Postgres evaluates
-- them once per statement (an InitPlan), not once per row, and the columns they compare against
-- lead the table's indexes.

create table tenants (
  tenant_id uuid primary key,
  name text not null,
  slug text not null unique,
  created_at timestamptz not null default now()
);

create table developments (
  id uuid primary key,
  tenant_id uuid not null references tenants (tenant_id),
  name text not null,
  slug text not null,
  town text not null,
  created_at timestamptz not null default now(),
  unique (tenant_id, slug),
  unique (tenant_id, id)
);

create table houses (
  id uuid primary key,
  tenant_id uuid not null,
  development_id uuid not null,
  plot_number integer not null,
  address text not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, development_id) references developments (tenant_id, id),
  unique (development_id, plot_number),
  unique (tenant_id, development_id, id)
);
create index houses_tenant_development_idx on houses (tenant_id, development_id);

create table profiles (
  id uuid primary key,
  tenant_id uuid not null references tenants (tenant_id),
  development_id uuid,
  house_id uuid,
  app_role text not null check (app_role in ('homeowner', 'developer')),
  email text not null unique,
  display_name text not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, development_id) references developments (tenant_id, id),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id),
  check (app_role = 'developer' or (development_id is not null and house_id is not null))
);
create index profiles_tenant_development_idx on profiles (tenant_id, development_id);

alter table tenants enable row level security;
alter table tenants force row level security;
alter table developments enable row level security;
alter table developments force row level security;
alter table houses enable row level security;
alter table houses force row level security;
alter table profiles enable row level security;
alter table profiles force row level security;

create policy tenants_member_read on tenants for select to authenticated
  using (tenant_id = (select auth.tenant_id()));

create policy developments_homeowner_read on developments for select to authenticated
  using (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and id = (select auth.development_id())
  );
create policy developments_staff_read on developments for select to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or id = (select auth.development_id()))
  );

create policy houses_homeowner_read on houses for select to authenticated
  using (
    (select auth.app_role()) = 'homeowner'
    and tenant_id = (select auth.tenant_id())
    and id = (select auth.house_id())
  );
create policy houses_staff_read on houses for select to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  );

create policy profiles_self_read on profiles for select to authenticated
  using (id = (select auth.uid()) and tenant_id = (select auth.tenant_id()));
create policy profiles_self_update on profiles for update to authenticated
  using (id = (select auth.uid()) and tenant_id = (select auth.tenant_id()))
  with check (id = (select auth.uid()) and tenant_id = (select auth.tenant_id()));
create policy profiles_staff_read on profiles for select to authenticated
  using (
    (select auth.app_role()) = 'developer'
    and tenant_id = (select auth.tenant_id())
    and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
  );

grant select on tenants, developments, houses to authenticated;
grant select on profiles to authenticated;
grant update (display_name) on profiles to authenticated;
