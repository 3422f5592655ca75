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
  return db
    .select({
      passageId: documentPassages.id,
      documentId: documentPassages.documentId,
      title: documents.title,
      category: documents.category,
      heading: documentPassages.heading,
      content: documentPassages.content,
      snippet: sql<string>`ts_headline('english', ${documentPassages.content}, ${query},
        'StartSel=<mark>, StopSel=</mark>, MaxWords=40, MinWords=15')`,
    })
    .from(documentPassages)
    .innerJoin(documents, eq(documents.id, documentPassages.documentId))
    .where(
      and(sql`${documentPassages.search} @@ ${query}`, sql`${covered} * 2 >= cardinality(${questionTerms})`),
    )
    .orderBy(desc(covered), desc(sql`ts_rank(${documentPassages.search}, ${query})`), documentPassages.id)
    .limit(TOP_PASSAGES);
}
