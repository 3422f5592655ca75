import { and, desc, eq, sql } from 'drizzle-orm';

import { schema, type Db } from '@openhouse/db';

const { documentPassages, documents } = schema;

/**
 * Full-text retrieval over the passages the caller's RLS lets them read (development-wide and
 * their own house's documents): nothing here filters by tenant or house, the policies do.
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

export const TOP_PASSAGES = 3;

/** The question's words joined with `or`, for websearch_to_tsquery: any word may match. */
export function anyWordQuery(question: string): string {
  const words = question.match(/[\p{L}\p{N}]+/gu) ?? [];
  // `or` is websearch syntax itself; dropping it loses nothing (it is a stop word).
  return words
    .filter((word) => word.toLowerCase() !== 'or')
    .slice(0, 40)
    .join(' or ');
}

export async function retrievePassages(db: Db, question: string): Promise<RetrievedPassage[]> {
  const wordQuery = anyWordQuery(question);
  if (!wordQuery) return [];
  const query = sql`websearch_to_tsquery('english', ${wordQuery})`;
  const questionTerms = sql`tsvector_to_array(to_tsvector('english', ${question}))`;
  // How many of the question's terms the passage contains. A passage must contain at least half
  // of them: one shared common word ("home") is not an answer, and then the assistant says it
  // does not know rather than cite something unrelated.
  const covered = sql<number>`cardinality(array(
    select unnest(tsvector_to_array(${documentPassages.search})) intersect select unnest(${questionTerms})
  ))`;
  const rank = sql<number>`ts_rank(${documentPassages.search}, ${query})`;
  // Ranked over the passages alone, then joined to their documents: the join touches three rows,
  // not every matching passage. RLS narrows the passages to the caller's development first (its
  // policy leads the scope indexes), so nothing of other developments is read or ranked.
  const ranked = db
    .select({
      passageId: documentPassages.id,
      documentId: documentPassages.documentId,
      heading: documentPassages.heading,
      content: documentPassages.content,
      covered: covered.as('covered'),
      rank: rank.as('rank'),
    })
    .from(documentPassages)
    .where(
      and(sql`${documentPassages.search} @@ ${query}`, sql`${covered} * 2 >= cardinality(${questionTerms})`),
    )
    .orderBy(desc(covered), desc(rank), documentPassages.id)
    .limit(TOP_PASSAGES)
    .as('ranked');
  return db
    .select({
      passageId: ranked.passageId,
      documentId: ranked.documentId,
      title: documents.title,
      category: documents.category,
      heading: ranked.heading,
      content: ranked.content,
      snippet: sql<string>`ts_headline('english', ${ranked.content}, ${query},
        'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15')`,
    })
    .from(ranked)
    .innerJoin(documents, eq(documents.id, ranked.documentId))
    .orderBy(desc(ranked.covered), desc(ranked.rank), ranked.passageId);
}
