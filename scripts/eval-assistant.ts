import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { createDatabase, loadDbEnv, poolConfigFromEnv } from '@openhouse/db';
import { withAdminClient } from '@openhouse/db/admin';
import { callerFor, tokenFor } from '@openhouse/harness/api';
import { runTool, UsageError } from '@openhouse/harness/cli';
import { provisionDatabase, startPostgres } from '@openhouse/harness/postgres';
import { APP_PASSWORD, APP_ROLE } from '@openhouse/harness/urls';
import { findSeedUser, seed, seedData } from '@openhouse/seed';

import { DEFAULT_HOMEOWNER, QUESTIONS, type EvalQuestion, type Expected } from './lib/assistant-questions';

/**
 * `pnpm eval:assistant`: the assistant's citation accuracy on its question set
 * (scripts/lib/assistant-questions.ts), asked through the real `assistant.ask` — token, context,
 * RLS, retrieval, ranking, composition — as seeded homeowners, on a fresh database with the
 * deterministic seed: EVAL_DATABASE_URL or TEST_DATABASE_URL (a superuser URL; the database is
 * created and dropped here), else an embedded Postgres.
 *
 * Prints each question's outcome, then top-1 and top-3 citation accuracy over the answerable
 * questions and the precision and recall of "I don't know". Exits 1 below the target: top-1 of
 * at least 90 % and no confident answer to a question the guides do not answer.
 */

const USAGE = 'usage: pnpm eval:assistant [-- --verbose] [--json <file>]';
const TARGET_TOP1 = 0.9;
const ROOT = path.resolve(import.meta.dirname, '..');

interface Outcome {
  question: EvalQuestion;
  answeredBy: string;
  answer: string;
  cited: Expected[];
  top1: boolean;
  top3: boolean;
  quoted: boolean;
  ms: number;
}

const same = (a: Expected, b: Expected) => a.category === b.category && a.heading === b.heading;
const pct = (part: number, whole: number) => (whole === 0 ? 'n/a' : `${((part / whole) * 100).toFixed(1)} %`);
const label = (e: Expected | undefined) => (e ? `${e.category} / ${e.heading}` : '—');

await runTool('eval', async (teardown) => {
  let options;
  try {
    options = parseArgs({
      args: process.argv.slice(2).filter((arg) => arg !== '--'),
      options: { verbose: { type: 'boolean', short: 'v' }, json: { type: 'string' } },
      strict: true,
    }).values;
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }

  const server = await startPostgres({
    url: process.env.EVAL_DATABASE_URL ?? process.env.TEST_DATABASE_URL,
    label: 'eval',
    log: (line) => console.log(`[eval] ${line}`),
  });
  teardown.defer('Postgres', () => server.stop());
  const name = `openhouse_eval_${randomBytes(4).toString('hex')}`;
  const database = await provisionDatabase({
    serverUrl: server.url,
    name,
    appRole: APP_ROLE,
    appPassword: APP_PASSWORD,
  });
  teardown.defer(`database ${name}`, () =>
    withAdminClient(server.url, (client) => client.query(`drop database if exists ${name} with (force)`)),
  );
  await seed(database.adminUrl);
  const pool = createDatabase(
    poolConfigFromEnv(loadDbEnv({ DATABASE_URL: database.appUrl, DB_POOL_MIN: '0' })),
    {
      onIdleError: () => {},
    },
  );
  teardown.defer('pool', () => pool.close());

  // Passage ids → (category, heading), to judge citations by what they point at.
  const passages = await withAdminClient(database.adminUrl, async (client) => {
    const { rows } = await client.query<{ id: string; category: string; heading: string | null }>(
      `select p.id, d.category, p.heading from document_passages p join documents d on d.id = p.document_id`,
    );
    return new Map(
      rows.map((row) => [Number(row.id), { category: row.category, heading: row.heading ?? '' }]),
    );
  });

  // The evaluation measures retrieval, not the per-homeowner rate limit: every question is asked.
  process.env.RATE_LIMIT_ASSISTANT_PER_MINUTE = String(QUESTIONS.length * 10);
  const outcomes: Outcome[] = [];
  for (const question of QUESTIONS) {
    const user = findSeedUser(question.as ?? DEFAULT_HOMEOWNER);
    if (!user) throw new Error(`no seeded user ${question.as}`);
    const caller = await callerFor(pool, await tokenFor(user));
    const started = performance.now();
    const result = await caller.assistant.ask({ question: question.question });
    const ms = performance.now() - started;
    const cited = result.citations.map((c) => passages.get(c.passageId) ?? { category: '?', heading: '?' });
    const [first] = question.expect;
    outcomes.push({
      question,
      answeredBy: result.answeredBy,
      answer: result.answer,
      cited,
      top1: first !== undefined && cited[0] !== undefined && same(cited[0], first),
      top3: question.expect.every((e) => cited.slice(0, 3).some((c) => same(c, e))),
      quoted: (question.contains ?? []).every((text) => result.answer.includes(text)),
      ms,
    });
  }

  const answerable = outcomes.filter((o) => o.question.expect.length > 0);
  const unanswerable = outcomes.filter((o) => o.question.expect.length === 0);
  const saidNone = outcomes.filter((o) => o.answeredBy === 'none');
  const rightNone = saidNone.filter((o) => o.question.expect.length === 0);
  const confidentWrong = unanswerable.filter((o) => o.answeredBy !== 'none');
  const top1 = answerable.filter((o) => o.top1).length;
  const top3 = answerable.filter((o) => o.top3).length;
  const quoted = answerable.filter((o) => o.top1 && o.quoted).length;

  console.log('');
  for (const o of outcomes) {
    const ok = o.question.expect.length === 0 ? o.answeredBy === 'none' : o.top1 && o.top3 && o.quoted;
    console.log(`${ok ? 'ok  ' : 'FAIL'} [${o.question.kind}] ${o.question.question}`);
    if (!ok || options.verbose) {
      console.log(`       expected: ${o.question.expect.map(label).join(' + ') || 'I don’t know'}`);
      console.log(`       cited:    ${o.cited.map(label).join(' | ') || `nothing (${o.answeredBy})`}`);
      if (!o.quoted) console.log(`       answer lacks: ${(o.question.contains ?? []).join(', ')}`);
      if (options.verbose) console.log(`       answer:   ${o.answer.replace(/\n+/g, ' ⏎ ')}`);
    }
  }
  const byKind = (kind: EvalQuestion['kind']) => {
    const set = answerable.filter((o) => o.question.kind === kind);
    return `${kind} ${set.filter((o) => o.top1).length}/${set.length}`;
  };
  const meanMs = outcomes.reduce((sum, o) => sum + o.ms, 0) / outcomes.length;
  const documents = seedData.documents.length;
  console.log('');
  console.log(
    `questions:              ${outcomes.length} (${answerable.length} answerable, ${unanswerable.length} not in the guides)`,
  );
  console.log(
    `top-1 citation accuracy: ${pct(top1, answerable.length)} (${top1}/${answerable.length}; ${['direct', 'paraphrase', 'two-part'].map((k) => byKind(k as EvalQuestion['kind'])).join(', ')})`,
  );
  console.log(
    `top-3 citation accuracy: ${pct(top3, answerable.length)} (${top3}/${answerable.length}; every part's passage among the first three)`,
  );
  console.log(`answer quotes the facts: ${pct(quoted, answerable.length)} (${quoted}/${answerable.length})`);
  console.log(
    `"I don't know" precision: ${pct(rightNone.length, saidNone.length)} (${rightNone.length}/${saidNone.length} of the refusals were right)`,
  );
  console.log(
    `"I don't know" recall:    ${pct(rightNone.length, unanswerable.length)} (${rightNone.length}/${unanswerable.length} unanswerable questions refused)`,
  );
  console.log(`confident answers to unanswerable questions: ${confidentWrong.length}`);
  console.log(`mean time per question: ${meanMs.toFixed(1)} ms (in process, ${documents} seeded documents)`);

  if (options.json) {
    const file = path.resolve(ROOT, options.json);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify(
        {
          top1: top1 / answerable.length,
          top3: top3 / answerable.length,
          idkPrecision: saidNone.length ? rightNone.length / saidNone.length : null,
          idkRecall: rightNone.length / unanswerable.length,
          confidentWrong: confidentWrong.length,
          outcomes: outcomes.map((o) => ({
            ...o.question,
            answeredBy: o.answeredBy,
            cited: o.cited,
            top1: o.top1,
            top3: o.top3,
          })),
        },
        null,
        2,
      ),
    );
  }
  const met = top1 / answerable.length >= TARGET_TOP1 && confidentWrong.length === 0;
  console.log(
    met ? 'target met: top-1 ≥ 90 %, no confident answer to an unanswerable question' : 'TARGET NOT MET',
  );
  return met ? 0 : 1;
});
