import type pg from 'pg';

import { StartupRefusal } from '@openhouse/env';

import { REQUEST_ROLES } from './rls';

/**
 * Refuses to serve with a login role that could see past row-level security. Each check is one
 * clear reason; the first failing one is thrown as a {@link GuardError}.
 */

export class GuardError extends StartupRefusal {
  constructor(message: string) {
    super(`Refusing to serve: ${message}`);
    this.name = 'GuardError';
  }
}

interface GuardFacts {
  login_role: string;
  is_superuser: boolean;
  bypasses_rls: boolean;
  owned_tables: string[] | null;
  authenticated_bypasses: boolean | null;
  tables_without_rls: string[] | null;
  /** Each request role that exists, with what would make it unsafe. */
  request_roles:
    | {
        name: string;
        login: boolean;
        bypass: boolean;
        owns: boolean;
        /** `TRUNCATE on notices`, …: privileges no request needs, each a way around RLS or its guards. */
        excess: string[] | null;
        temp: boolean;
      }[]
    | null;
  app_tables: number;
}

const FACTS = `
  with app_tables as (
    select c.oid, c.relname, c.relowner, c.relrowsecurity, c.relforcerowsecurity
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p')
  )
  select
    current_user as login_role,
    r.rolsuper as is_superuser,
    r.rolbypassrls as bypasses_rls,
    (select array_agg(relname::text order by relname) from app_tables
      where pg_has_role(current_user, relowner, 'MEMBER')) as owned_tables,
    (select rolsuper or rolbypassrls from pg_roles where rolname = 'authenticated') as authenticated_bypasses,
    (select array_agg(relname::text order by relname) from app_tables
      where not (relrowsecurity and relforcerowsecurity)) as tables_without_rls,
    (select count(*)::int from app_tables) as app_tables,
    (select json_agg(json_build_object(
        'name', q.rolname,
        'login', q.rolcanlogin,
        'bypass', q.rolsuper or q.rolbypassrls,
        'owns', exists (select 1 from app_tables where pg_has_role(q.oid, relowner, 'MEMBER')),
        'excess', (select array_agg(p.privilege || ' on ' || t.relname order by t.relname, p.privilege)
          from app_tables t cross join unnest(array['TRUNCATE', 'TRIGGER', 'REFERENCES']) p(privilege)
          where has_table_privilege(q.oid, t.oid, p.privilege)),
        'temp', has_database_privilege(q.oid, current_database(), 'TEMP')))
      from pg_roles q where q.rolname = any($1)) as request_roles
  from pg_roles r where r.rolname = current_user`;

export async function assertSafeLoginRole(queryable: Pick<pg.Pool, 'query'>): Promise<void> {
  const { rows } = await queryable.query<GuardFacts>(FACTS, [REQUEST_ROLES]);
  const facts = rows[0]!;
  const role = facts.login_role;
  if (facts.is_superuser) {
    throw new GuardError(`login role "${role}" is a superuser, which bypasses row-level security`);
  }
  if (facts.bypasses_rls) throw new GuardError(`login role "${role}" has BYPASSRLS`);
  // Before the login role's own check: it is a member of each request role, so a table owned by
  // one of them also counts as its own, and the message should name the real owner.
  for (const name of REQUEST_ROLES) {
    const requestRole = facts.request_roles?.find((candidate) => candidate.name === name);
    if (!requestRole) throw new GuardError(`request role "${name}" does not exist; run pnpm db:migrate`);
    if (requestRole.login) throw new GuardError(`request role "${name}" can log in`);
    if (requestRole.bypass) throw new GuardError(`request role "${name}" is a superuser or has BYPASSRLS`);
    if (requestRole.owns) throw new GuardError(`request role "${name}" owns tables`);
  }
  if (facts.owned_tables?.length) {
    throw new GuardError(`login role "${role}" owns tables (${facts.owned_tables.join(', ')})`);
  }
  if (facts.authenticated_bypasses === null) {
    throw new GuardError('role "authenticated" does not exist; run pnpm db:migrate');
  }
  if (facts.authenticated_bypasses) {
    throw new GuardError('role "authenticated" is a superuser or has BYPASSRLS');
  }
  if (facts.app_tables === 0) throw new GuardError('the database has no tables; run pnpm db:migrate');
  if (facts.tables_without_rls?.length) {
    throw new GuardError(
      `row-level security is not enabled and forced on: ${facts.tables_without_rls.join(', ')}`,
    );
  }
  // Last, as the narrowest: the migrations leave none of these, but a `grant all` or a restored
  // or cloned database (CREATE DATABASE … TEMPLATE gives PUBLIC TEMP again) brings them back.
  // TRUNCATE skips RLS, TRIGGER runs the role's code on others' writes, REFERENCES would let a
  // table of its own probe for rows it cannot read, and a temp table shadows a real one for
  // unqualified names on a pooled session.
  for (const requestRole of facts.request_roles ?? []) {
    if (requestRole.excess?.length) {
      const shown = requestRole.excess.slice(0, 5).join(', ');
      const more = requestRole.excess.length > 5 ? ` and ${requestRole.excess.length - 5} more` : '';
      throw new GuardError(`request role "${requestRole.name}" holds ${shown}${more}`);
    }
    if (requestRole.temp) {
      throw new GuardError(
        `request role "${requestRole.name}" may create temporary tables: revoke temporary on database from public`,
      );
    }
  }
}
