-- Supabase-compatible roles and claim helpers.
--
-- Roles are cluster-wide, so creating them tolerates a concurrent creator (duplicate_object /
-- unique_violation). None of them can log in: the app's login role switches to `authenticated`
-- inside each request's transaction.
do $$
declare
  role_name text;
begin
  foreach role_name in array array['anon', 'authenticated', 'service_role'] loop
    begin
      execute format('create role %I nologin noinherit', role_name);
    exception when duplicate_object or unique_violation then
      null;
    end;
  end loop;
end
$$;

-- A role that exists already keeps its attributes; make sure neither request role bypasses RLS.
alter role anon nobypassrls;
alter role authenticated nobypassrls;

create schema if not exists auth;
grant usage on schema auth to anon, authenticated, service_role;
grant usage on schema public to anon, authenticated, service_role;

-- The verified claims of the current request, set transaction-locally by the API (`withRls`).
create or replace function auth.jwt() returns jsonb
  language sql stable
  as $$ select coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}')::jsonb $$;

create or replace function auth.uid() returns uuid
  language sql stable
  as $$ select nullif(auth.jwt() ->> 'sub', '')::uuid $$;

create or replace function auth.tenant_id() returns uuid
  language sql stable
  as $$ select nullif(auth.jwt() ->> 'tenant_id', '')::uuid $$;

create or replace function auth.development_id() returns uuid
  language sql stable
  as $$ select nullif(auth.jwt() ->> 'development_id', '')::uuid $$;

create or replace function auth.house_id() returns uuid
  language sql stable
  as $$ select nullif(auth.jwt() ->> 'house_id', '')::uuid $$;

create or replace function auth.app_role() returns text
  language sql stable
  as $$ select auth.jwt() ->> 'app_role' $$;

grant execute on all functions in schema auth to anon, authenticated, service_role;
