-- Idempotency keys (issue 10, "Safe retries"): a mutation sent with an `Idempotency-Key` header
-- stores its first response here, in the same transaction as its effect, so the row exists if and
-- only if the effect committed. A repeat by the same caller (tenant + user) within 24 h is answered
-- from the row (packages/api/src/middleware/idempotency.ts); an older row is replaced in place.
--
-- Every caller sees and writes only their own keys: tenant_id and user_id of the token, for all
-- three request roles. Nobody deletes; an UPDATE may only replace an expired row, and only the
-- columns a replacement changes.

create table idempotency_keys (
  tenant_id uuid not null,
  user_id uuid not null,
  key text not null check (char_length(key) between 1 and 255),
  -- sha256 of the procedure path and its (canonical JSON) input.
  request_hash text not null,
  -- json, not jsonb: kept as written, so a replay is byte-for-byte the first answer (jsonb
  -- would reorder the keys).
  response json not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, user_id, key)
);

alter table idempotency_keys enable row level security;
alter table idempotency_keys force row level security;

do $$
declare
  role_name text;
  own text := 'tenant_id = (select auth.tenant_id()) and user_id = (select auth.uid())';
begin
  foreach role_name in array array['homeowner', 'tenant_staff', 'development_staff'] loop
    execute format('create policy idempotency_keys_select_%1$s on idempotency_keys for select to %1$I using (%2$s)',
      role_name, own);
    execute format(
      'create policy idempotency_keys_insert_%1$s on idempotency_keys for insert to %1$I with check (%2$s)',
      role_name, own);
    execute format(
      'create policy idempotency_keys_update_%1$s on idempotency_keys for update to %1$I
         using (%2$s and created_at < now() - interval ''24 hours'') with check (%2$s)',
      role_name, own);
  end loop;
end
$$;

grant select, insert on idempotency_keys to homeowner, tenant_staff, development_staff;
grant update (request_hash, response, created_at) on idempotency_keys
  to homeowner, tenant_staff, development_staff;

create trigger idempotency_keys_guard_update before update on idempotency_keys for each row
  execute function private.guard_update(
    'homeowner:request_hash,response,created_at',
    'tenant_staff:request_hash,response,created_at',
    'development_staff:request_hash,response,created_at');
create trigger idempotency_keys_guard_insert before insert on idempotency_keys for each row
  execute function private.guard_insert('created_at=now', 'user_id=uid');
create trigger idempotency_keys_refuse_truncate before truncate on idempotency_keys
  for each statement execute function private.refuse_truncate();
