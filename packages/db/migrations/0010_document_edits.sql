-- Staff edit and withdraw documents (issue 15).
--
-- Staff of a document's scope may change its title, category, text and audience (a home of the
-- same development, or every home), and withdraw or republish it. Nothing else of a document
-- changes — not its tenant, development, author or publication time (the column guard) — and no
-- other role updates one (no policy). Homeowners never see a withdrawn document or its passages:
-- the exclusion is in their policies, so no list, get, onboarding step or assistant retrieval can
-- forget it.

alter table documents
  add column withdrawn_at timestamptz,
  -- The passages' foreign key below compares this: a key column cannot be null.
  add column withdrawn boolean generated always as (withdrawn_at is not null) stored,
  -- Set by the database when the title, category, text or audience changes; null until then.
  add column updated_at timestamptz,
  add constraint documents_tenant_id_id_withdrawn_key unique (tenant_id, id, withdrawn);

-- Passages carry their document's withdrawn state as they carry its scope, so retrieval is
-- filtered by the passages' own cheap policy. The key keeps the copy exact for every writer: a
-- passage cannot be filed as live under a withdrawn document, and withdrawing or republishing
-- cascades to the passages (run as the table owner, whatever the caller may update).
alter table document_passages
  add column withdrawn boolean not null default false,
  add constraint document_passages_withdrawn_fkey foreign key (tenant_id, document_id, withdrawn)
    references documents (tenant_id, id, withdrawn) on update cascade on delete cascade;

-- Staff list the withdrawn documents of their scope (to republish one) newest first: few rows,
-- so these stay small, and such a page stops after a page instead of filtering the whole scope.
create index documents_withdrawn_idx on documents (tenant_id, development_id, created_at desc, id desc)
  where withdrawn_at is not null;
create index documents_tenant_withdrawn_idx on documents (tenant_id, created_at desc, id desc)
  where withdrawn_at is not null;

-- ---------------------------------------------------------------------------------------------
-- Homeowners: published documents and passages only. The added conjunct filters rows the scope
-- index already found; a development's withdrawn documents are few.

drop policy documents_select_homeowner on documents;
create policy documents_select_homeowner on documents for select to homeowner
  using (
    tenant_id = (select auth.tenant_id()) and development_id = (select auth.development_id())
    and (house_id is null or house_id = (select auth.house_id()))
    and withdrawn_at is null
  );
drop policy document_passages_select_homeowner on document_passages;
create policy document_passages_select_homeowner on document_passages for select to homeowner
  using (
    tenant_id = (select auth.tenant_id()) and development_id = (select auth.development_id())
    and (house_id is null or house_id = (select auth.house_id()))
    and withdrawn = false
  );

-- ---------------------------------------------------------------------------------------------
-- Staff: update inside their scope (tenant, or tenant and development), both before and after.

select private.create_scope_policies('documents', 'update', null, true);
grant update (title, category, body, house_id, withdrawn_at) on documents to tenant_staff, development_staff;

-- `withdrawn` is generated (nobody can write it) but a BEFORE trigger sees it unset in NEW, so
-- the guard must let it differ. `updated_at` is not listed: the touch trigger below sets it after
-- the guard has run (triggers fire in name order), so a caller cannot choose it.
create trigger documents_guard_update before update on documents for each row
  execute function private.guard_update(
    'tenant_staff:title,category,body,house_id,withdrawn_at,withdrawn',
    'development_staff:title,category,body,house_id,withdrawn_at,withdrawn');

drop trigger documents_guard_insert on documents;
create trigger documents_guard_insert before insert on documents for each row
  execute function private.guard_insert('created_by=uid', 'created_at=now', 'updated_at=null');

create or replace function private.touch_document() returns trigger
  language plpgsql
  set search_path = ''
  as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke all on function private.touch_document() from public;
create trigger documents_touch before update of title, category, body, house_id on documents for each row
  when ((old.title, old.category, old.body, old.house_id) is distinct from
        (new.title, new.category, new.body, new.house_id))
  execute function private.touch_document();

-- Passages are derived from the text and copy the audience: when either changes, the old ones go
-- and the writer files the new ones in the same transaction (documents.update does). Request roles
-- delete nothing themselves; this runs as the owner. Should a writer file none, the document has
-- no passages: the assistant cannot cite it, and nothing stale or misaddressed is left readable.
create or replace function private.drop_stale_passages() returns trigger
  language plpgsql
  security definer
  set search_path = ''
  as $$
begin
  delete from public.document_passages where tenant_id = old.tenant_id and document_id = old.id;
  return new;
end
$$;
revoke all on function private.drop_stale_passages() from public;
create trigger documents_passages_stale before update of body, house_id on documents for each row
  when (old.body is distinct from new.body or old.house_id is distinct from new.house_id)
  execute function private.drop_stale_passages();

-- FORCE RLS applies to the owner too: when the migration role is neither a superuser nor
-- BYPASSRLS, this lets the function above (and only the owner role) delete passages.
do $$
begin
  execute format(
    'create policy document_passages_owner on document_passages for all to %I using (true) with check (true)',
    current_user
  );
end
$$;
