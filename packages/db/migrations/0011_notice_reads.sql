-- Which notices each homeowner has opened (issue 15, unread markers), kept on the server so that
-- a homeowner's markers follow them from one browser to another.
--
-- A row is one homeowner's read of one notice. Homeowners read and add only their own rows, and
-- only for notices they can see; nobody updates or deletes one (reading is not undone), and staff
-- see none of them.

alter table notices add constraint notices_tenant_id_id_key unique (tenant_id, id);

create table notice_reads (
  tenant_id uuid not null default auth.tenant_id(),
  user_id uuid not null default auth.uid(),
  notice_id uuid not null,
  read_at timestamptz not null default now(),
  -- Also the index of the policies and of the noticeboard's per-notice lookup: (T, U, notice).
  primary key (tenant_id, user_id, notice_id),
  foreign key (tenant_id, notice_id) references notices (tenant_id, id) on delete cascade,
  foreign key (tenant_id, user_id) references profiles (tenant_id, id)
);

alter table notice_reads enable row level security;
alter table notice_reads force row level security;

create policy notice_reads_select_homeowner on notice_reads for select to homeowner
  using (tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid()));
-- The notice must be one the homeowner can see: the subquery runs under their notices policy
-- (development-wide or their own house's), one row by the (tenant_id, id) key.
create policy notice_reads_insert_homeowner on notice_reads for insert to homeowner
  with check (
    tenant_id = (select auth.tenant_id())
    and user_id = (select auth.uid())
    and exists (
      select 1 from notices n where n.tenant_id = notice_reads.tenant_id and n.id = notice_reads.notice_id
    )
  );

grant select on notice_reads to homeowner, tenant_staff, development_staff;
grant insert on notice_reads to homeowner;

create trigger notice_reads_guard_insert before insert on notice_reads for each row
  execute function private.guard_insert('user_id=uid', 'read_at=now');
create trigger notice_reads_refuse_truncate before truncate on notice_reads
  for each statement execute function private.refuse_truncate();
