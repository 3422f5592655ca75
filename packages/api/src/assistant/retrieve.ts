import { sql } from 'drizzle-orm';

import type { Db } from '@openhouse/db';

import { splitQuestion, termGroupsOf, type TermGroup } from './question';

/**
 * Retrieval over the passages the caller's RLS lets them read (development-wide and their own
 * house's documents, never a withdrawn one's: each passage carries its document's `withdrawn`,
 * migration 0010): nothing here filters by tenant, house or withdrawal, the policies do.
 * Scope first: the policy's columns lead the passages' GIN index (tenant, development, search
 * vector), so Postgres matches words inside the caller's development only, never across the
 * platform, and ranks only what matched there.
 *
 * Ranking, in two stages:
 *   1. in SQL, over every passage of the scope that contains any of the question's words (or
 *      their synonyms): an IDF-weighted count of the question's words it contains — a rare word
 *      ("legionella", "glass") says more than a common one ("home", "warranty") — keeping the best
 *      few dozen, joined to their documents;
 *   2. here, over those: words in the section heading and in the document title, words found
 *      together in one sentence, and words next to each other as in the question (phrases:
 *      "heat pump", "black box").
 * A question is answered only when the best passage covers most of what was asked (its weighted
 * words); otherwise the assistant says it does not know, citing nothing. The answer quotes the
 * passage's sentences that match.
 */

export interface RetrievedPassage {
  passageId: number;
  documentId: string;
  title: string;
  category: string;
  heading: string | null;
  content: string;
  /** The passage around the matched words, matches wrapped in <mark>…</mark>. */
  snippet: string;
}

/** One question of the message, its best passages and the sentences that answer it. */
export interface AnswerPart {
  question: string;
  /** Best first; empty when the documents do not answer this question. */
  passages: RetrievedPassage[];
  /** From the best passage, in its order: the sentences that match the question. */
  sentences: string[];
}

export const TOP_PASSAGES = 3;
/** Passages carried from the SQL stage to the final ranking. */
const CANDIDATES = 24;
/** The share of the question's weighted words the best passage must contain to be an answer. */
export const MIN_COVERAGE = 0.6;
/** A sentence ends at . ! or ? followed by a capital, a digit or a quote ("e.g. sofas" does not). */
const SENTENCE_END = String.raw`(?<=[\w)”"'’][.!?])\s+(?=[A-Z0-9“"‘'])`;

type CandidateRow = {
  passageId: string | number;
  documentId: string;
  title: string;
  category: string;
  heading: string | null;
  content: string;
  vector: string;
  titleVector: string;
  sentences: string[];
  sentenceVectors: string[];
  snippet: string;
  matches: number[];
  df: number[];
  n: number;
};

/** `'bin':5A,9 'black':30` → lexeme → positions, with whether each is in the heading (weight A). */
function parseVector(text: string): Map<string, { position: number; heading: boolean }[]> {
  const lexemes = new Map<string, { position: number; heading: boolean }[]>();
  for (const match of text.matchAll(/'((?:[^']|'')*)'(?::([\dA-D,]+))?/g)) {
    const positions = (match[2] ?? '')
      .split(',')
      .filter(Boolean)
      .map((entry) => ({
        position: Number.parseInt(entry, 10),
        heading: entry.endsWith('A'),
      }));
    lexemes.set(match[1]!.replace(/''/g, "'"), positions);
  }
  return lexemes;
}

type Vector = ReturnType<typeof parseVector>;

/** Where a group occurs in a vector: the positions of its first lexeme, for each alternative present. */
function occurrences(vector: Vector, group: TermGroup, where: (heading: boolean) => boolean) {
  const found: number[] = [];
  for (const lexemes of group.alternatives) {
    const hits = lexemes.map((lexeme) => (vector.get(lexeme) ?? []).filter((p) => where(p.heading)));
    if (hits.every((positions) => positions.length > 0)) found.push(...hits[0]!.map((p) => p.position));
  }
  return found;
}

const idf = (df: number, n: number) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

interface Scored {
  row: CandidateRow;
  score: number;
  coverage: number;
  sentenceScores: number[];
}

/** "How do I report…" asks for steps: a section headed "How to…" that names the subject gives them. */
const ASKS_HOW = /^\s*how\s+(?:do|can|should|would|could)\s+(?:i|we|you)\b/i;
const GIVES_HOW = /^\s*how\s+to\b/i;

function score(row: CandidateRow, groups: TermGroup[], question: string): Scored {
  const vector = parseVector(row.vector);
  const title = parseVector(row.titleVector);
  const sentences = row.sentenceVectors.map(parseVector);
  // A word no passage of the scope contains counts like an average word of the question: it may
  // be a subject the documents do not cover, or only said differently there.
  const found = groups
    .map((group, i) => ({ group, df: row.df[i] ?? 0 }))
    .filter(({ group, df }) => df > 0 && !group.optional)
    .map(({ df }) => idf(df, row.n));
  const average = found.length > 0 ? found.reduce((sum, w) => sum + w, 0) / found.length : 1;
  const weights = groups.map(
    (group, i) => group.weight * ((row.df[i] ?? 0) > 0 ? idf(row.df[i]!, row.n) : average),
  );
  let body = 0;
  let heading = 0;
  let inTitle = 0;
  let covered = 0;
  let asked = 0;
  const contentPositions: number[][] = [];
  groups.forEach((group, i) => {
    const weight = weights[i]!;
    const inContent = occurrences(vector, group, (h) => !h);
    const inHeading = occurrences(vector, group, (h) => h).length > 0;
    const titled = occurrences(title, group, () => true).length > 0;
    contentPositions.push(inContent);
    if (inContent.length > 0) body += weight * (1 + Math.log(inContent.length) * 0.2);
    if (inHeading) heading += weight;
    if (titled) inTitle += weight;
    // What the passage says about the question: its text and heading fully, its document's title in part.
    const share = inContent.length > 0 || inHeading ? 1 : titled ? 0.6 : 0;
    covered += weight * share;
    if (!group.optional || share > 0) asked += weight;
  });
  // Question words found together in one sentence: the passage talks about them together.
  const sentenceScores = sentences.map((sentence) =>
    groups.reduce(
      (sum, group, i) => sum + (occurrences(sentence, group, () => true).length > 0 ? weights[i]! : 0),
      0,
    ),
  );
  const bestSentence = Math.max(0, ...sentenceScores);
  // Words next to each other in the passage as in the question: a phrase ("black box").
  let phrases = 0;
  for (let i = 0; i + 1 < groups.length; i++) {
    const here = contentPositions[i]!;
    const next = contentPositions[i + 1]!;
    if (here.some((a) => next.some((b) => Math.abs(b - a) <= 2)))
      phrases += Math.min(weights[i]!, weights[i + 1]!);
  }
  // The section answers the kind of question asked: as strong a sign as any word of it.
  const procedure =
    ASKS_HOW.test(question) && GIVES_HOW.test(row.heading ?? '') && heading > 0
      ? heading + Math.max(...weights)
      : 0;
  return {
    row,
    score: body + 1.0 * heading + procedure + 0.3 * inTitle + 0.5 * bestSentence + 0.5 * phrases,
    coverage: asked === 0 ? 0 : covered / asked,
    sentenceScores,
  };
}

/** The best passage's sentences that say the most about the question: one, or two when the second adds. */
function answeringSentences(best: Scored): string[] {
  const { sentenceScores, row } = best;
  const order = sentenceScores
    .map((value, index) => ({ value, index }))
    .filter((s) => s.value > 0)
    .sort((a, b) => b.value - a.value || a.index - b.index);
  const chosen = order.slice(0, 2).filter((s, i) => i === 0 || s.value >= order[0]!.value * 0.5);
  if (chosen.length === 0) return [row.content];
  return chosen.sort((a, b) => a.index - b.index).map((s) => row.sentences[s.index]!.trim());
}

const toPassage = ({ row }: Scored): RetrievedPassage => ({
  passageId: Number(row.passageId),
  documentId: row.documentId,
  title: row.title,
  category: row.category,
  heading: row.heading,
  content: row.content,
  snippet: row.snippet,
});

/** The passages of the caller's scope that contain any of the question's words, best few dozen first. */
async function candidates(db: Db, groups: TermGroup[]): Promise<CandidateRow[]> {
  const any = groups.map((group) => group.query).join(' | ');
  const m = (i: number) => sql.raw(`m${i}`);
  const d = (i: number) => sql.raw(`d${i}`);
  const matches = groups.map(
    (group, i) => sql`(p.search @@ to_tsquery('simple', ${group.query}))::int as ${m(i)}`,
  );
  const counts = groups.map((_, i) => sql`sum(${m(i)})::float8 as ${d(i)}`);
  const weighted = groups.map(
    (group, i) =>
      sql`c.${m(i)} * ln(1 + (s.n - s.${d(i)} + 0.5) / (s.${d(i)} + 0.5)) * ${group.weight}::float8`,
  );
  const result = await db.execute<CandidateRow>(sql`
    with q as materialized (select to_tsquery('simple', ${any}) as query),
    cand as (
      select p.id, p.tenant_id, p.document_id, p.heading, p.content, p.search,
        ts_rank(p.search, q.query) as rank, ${sql.join(matches, sql`, `)}
      from document_passages p cross join q
      where p.search @@ q.query
    ),
    stats as (select count(*)::float8 as n, ${sql.join(counts, sql`, `)} from cand),
    ranked as (
      select c.*, (${sql.join(weighted, sql` + `)}) as prescore
      from cand c cross join stats s
      order by prescore desc, c.rank desc, c.id
      limit ${CANDIDATES}
    )
    select r.id as "passageId", r.document_id as "documentId", r.heading, r.content,
      r.search::text as vector, d.title, d.category,
      to_tsvector('english', d.title)::text as "titleVector",
      regexp_split_to_array(r.content, ${SENTENCE_END}) as sentences,
      array(select to_tsvector('english', x.s)::text
        from unnest(regexp_split_to_array(r.content, ${SENTENCE_END})) with ordinality as x(s, i)
        order by x.i) as "sentenceVectors",
      ts_headline('english', r.content, q.query,
        'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15') as snippet,
      array[${sql.join(
        groups.map((_, i) => sql`r.${m(i)}`),
        sql`, `,
      )}] as matches,
      array[${sql.join(
        groups.map((_, i) => sql`s.${d(i)}`),
        sql`, `,
      )}] as df,
      s.n
    from ranked r cross join stats s cross join q
    join lateral (
      select dd.title, dd.category from documents dd where dd.tenant_id = r.tenant_id and dd.id = r.document_id
    ) d on true
    order by r.prescore desc, r.rank desc, r.id`);
  return result.rows;
}

/** Each question of the message with the passages that answer it (none when nothing does). */
export async function retrieveAnswer(db: Db, message: string): Promise<AnswerPart[]> {
  const questions = splitQuestion(message);
  const groupsByQuestion = await termGroupsOf(db, questions);
  const parts: AnswerPart[] = [];
  for (const [index, question] of questions.entries()) {
    const groups = groupsByQuestion[index]!;
    if (groups.length === 0 || groups.every((group) => group.optional)) {
      parts.push({ question, passages: [], sentences: [] });
      continue;
    }
    const ranked = (await candidates(db, groups))
      .map((row) => score(row, groups, question))
      .sort((a, b) => b.score - a.score || Number(a.row.passageId) - Number(b.row.passageId));
    const best = ranked[0];
    if (!best || best.coverage < MIN_COVERAGE) {
      parts.push({ question, passages: [], sentences: [] });
      continue;
    }
    // Other passages are offered as sources only when they, too, say something about the question.
    const sources = ranked.filter((r, i) => i === 0 || r.coverage >= MIN_COVERAGE / 2).slice(0, TOP_PASSAGES);
    parts.push({ question, passages: sources.map(toPassage), sentences: answeringSentences(best) });
  }
  return parts;
}

/** The citations of a whole answer: each part's best passage first, then the others; no repeats. */
export function citationsOf(parts: AnswerPart[], limit = TOP_PASSAGES): RetrievedPassage[] {
  const seen = new Set<number>();
  const ordered: RetrievedPassage[] = [];
  const depth = Math.max(0, ...parts.map((part) => part.passages.length));
  for (let rank = 0; rank < depth; rank++) {
    for (const part of parts) {
      const passage = part.passages[rank];
      if (passage && !seen.has(passage.passageId)) {
        seen.add(passage.passageId);
        ordered.push(passage);
      }
    }
  }
  return ordered.slice(0, Math.max(limit, parts.filter((part) => part.passages.length > 0).length));
}

/** The passages that answer the message, best first (the citations of `assistant.ask`). */
export async function retrievePassages(db: Db, message: string): Promise<RetrievedPassage[]> {
  return citationsOf(await retrieveAnswer(db, message));
}
