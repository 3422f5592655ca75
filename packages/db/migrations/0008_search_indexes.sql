-- Indexes for the portals' list searches and the unanswered-questions list, so that a search reads
-- the rows that match inside the caller's scope rather than the whole scope. The expressions are
-- exactly those the queries use (packages/api/src/routers/noticeboard.ts, documents.ts); the scope
-- columns lead, as every policy compares them (btree_gin, from 0006, puts them in a GIN index).

create index notices_search_idx on notices
  using gin (tenant_id, development_id, (to_tsvector('english', title || ' ' || body)));
create index notices_tenant_search_idx on notices
  using gin (tenant_id, (to_tsvector('english', title || ' ' || body)));
create index documents_search_idx on documents
  using gin (tenant_id, development_id, (to_tsvector('english', title || ' ' || category)));
create index documents_tenant_search_idx on documents
  using gin (tenant_id, (to_tsvector('english', title || ' ' || category)));

create index assistant_questions_unanswered_idx
  on assistant_questions (tenant_id, development_id, created_at desc) where answered_by = 'none';
create index assistant_questions_tenant_unanswered_idx
  on assistant_questions (tenant_id, created_at desc) where answered_by = 'none';
