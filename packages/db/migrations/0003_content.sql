-- Notices and documents: development-wide (house_id null) or targeted at one house.

create table notices (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  house_id uuid,
  author_id uuid not null default auth.uid(),
  title text not null check (length(title) between 1 and 200),
  body text not null check (length(body) between 1 and 10000),
  created_at timestamptz not null default now(),
  foreign key (tenant_id, development_id) references developments (tenant_id, id),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id)
);
create index notices_scope_idx on notices (tenant_id, development_id, created_at desc, id desc);
create index notices_house_idx on notices (house_id) where house_id is not null;

create table documents (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null default auth.tenant_id(),
  development_id uuid not null,
  house_id uuid,
  created_by uuid not null default auth.uid(),
  title text not null check (length(title) between 1 and 200),
  category text not null,
  body text not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, development_id) references developments (tenant_id, id),
  foreign key (tenant_id, development_id, house_id) references houses (tenant_id, development_id, id),
  unique (tenant_id, id)
);
create index documents_scope_idx on documents (tenant_id, development_id, created_at desc, id desc);
create index documents_house_idx on documents (house_id) where house_id is not null;

-- Passages copy their document's scope so that retrieval is filtered by the same cheap policy.
create table document_passages (
  id bigint generated always as identity primary key,
  tenant_id uuid not null,
  development_id uuid not null,
  house_id uuid,
  document_id uuid not null,
  position integer not null,
  heading text,
  content text not null,
  search tsvector generated always as (
    setweight(to_tsvector('english', coalesce(heading, '')), 'A') || to_tsvector('english', content)
  ) stored,
  foreign key (tenant_id, document_id) references documents (tenant_id, id) on delete cascade,
  unique (document_id, position)
);
create index document_passages_scope_idx on document_passages (tenant_id, development_id);
create index document_passages_search_idx on document_passages using gin (search);

alter table notices enable row level security;
alter table notices force row level security;
alter table documents enable row level security;
alter table documents force row level security;
alter table document_passages enable row level security;
alter table document_passages force row level security;

-- Same two read policies and one staff write policy for each of the three tables.
do $$
declare
  t text;
begin
  foreach t in array array['notices', 'documents', 'document_passages'] loop
    execute format($p$
      create policy %1$s_homeowner_read on %1$I for select to authenticated
        using (
          (select auth.app_role()) = 'homeowner'
          and tenant_id = (select auth.tenant_id())
          and development_id = (select auth.development_id())
          and (house_id is null or house_id = (select auth.house_id()))
        )
    $p$, t);
    execute format($p$
      create policy %1$s_staff_read on %1$I for select to authenticated
        using (
          (select auth.app_role()) = 'developer'
          and tenant_id = (select auth.tenant_id())
          and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
        )
    $p$, t);
    execute format($p$
      create policy %1$s_staff_write on %1$I for insert to authenticated
        with check (
          (select auth.app_role()) = 'developer'
          and tenant_id = (select auth.tenant_id())
          and ((select auth.development_id()) is null or development_id = (select auth.development_id()))
        )
    $p$, t);
  end loop;
end
$$;

grant select, insert on notices, documents, document_passages to authenticated;
