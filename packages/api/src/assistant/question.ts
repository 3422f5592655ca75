import { sql } from 'drizzle-orm';

import type { Db } from '@openhouse/db';

import { LIGHT_WORDS, QUESTION_WORDS, SYNONYMS } from './synonyms';

/**
 * A homeowner's question, taken apart: the questions inside it ("When are the bins collected and
 * where does glass go?" is two), and for each, the words that carry its subject, each with the
 * other words the documents may use for it. Stemming is Postgres' own (`english`), so the terms
 * match the passages' search vectors exactly.
 */

export interface TermGroup {
  /** The word as asked. */
  word: string;
  /** Ways to match it, each a list of lexemes that must all be present (a phrase's words). */
  alternatives: string[][];
  /** How much the word counts: a number or "time" says less about the subject than a noun. */
  weight: number;
  /** A number ("2" of "2mm") or a light word: counted when it matches, never held against a passage. */
  optional: boolean;
  /** The group as tsquery text over the lexemes, `'a' | ('b' & 'c')`. */
  query: string;
}

const ASKING = String.raw`(?:what|whats|when|where|which|who|whom|whose|why|how|can|could|do|does|did|is|are|was|were|will|should|shall|may|must|have|has|am|would)`;
/** "…, and where does…", "… and how many…": a second question starting with an asking word. */
const SECOND_QUESTION = new RegExp(String.raw`\s*(?:[,;]\s*)?\b(?:and|also|plus|but)\s+(?=${ASKING}\b)`, 'i');

/** The questions inside one message: split at question marks and at "and <asking word>". At most three. */
export function splitQuestion(text: string): string[] {
  const parts: string[] = [];
  for (const sentence of text.split(/(?<=\?)\s+|\s*[;\n]+\s*/)) {
    const trimmed = sentence.trim();
    if (!trimmed) continue;
    // Only split where both sides are questions: "Can I charge my car and park it?" stays whole.
    const pieces = trimmed
      .split(SECOND_QUESTION)
      .map((piece) => piece.trim().replace(/^(?:and|also)\s+/i, ''));
    const first = pieces[0] ?? '';
    if (pieces.length > 1 && new RegExp(String.raw`^${ASKING}\b`, 'i').test(first)) parts.push(...pieces);
    else parts.push(trimmed);
  }
  const questions = parts.filter((part) => /[\p{L}\p{N}]/u.test(part));
  if (questions.length <= 3) return questions;
  return [...questions.slice(0, 2), questions.slice(2).join(' ')];
}

/** The words of a question: lower case, numbers apart from their units ("2mm" → "2 mm"). */
export function wordsOf(text: string): string[] {
  return (
    text
      .toLowerCase()
      .replace(/[’']s\b/g, '')
      .replace(/(\d)([\p{L}°])/gu, '$1 $2')
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).slice(0, 40);
}

// Stems are a function of the word and the `english` configuration only: kept per process.
const STEMS = new Map<string, string[]>();
const MAX_CACHED = 20_000;

/** Lexemes of each text, by Postgres' `english` configuration (one query for the unknown ones). */
async function stem(db: Db, texts: string[]): Promise<Map<string, string[]>> {
  const unknown = [...new Set(texts.filter((text) => !STEMS.has(text)))];
  if (unknown.length > 0) {
    const result = await db.execute<{ text: string; lexemes: string[] }>(
      sql`select t.text, array(select l.lexeme from unnest(to_tsvector('english', t.text)) l
            order by l.positions[1]) as lexemes
          from json_array_elements_text(${JSON.stringify(unknown)}::json) as t(text)`,
    );
    if (STEMS.size > MAX_CACHED) STEMS.clear();
    for (const row of result.rows) STEMS.set(row.text, row.lexemes);
  }
  return new Map(texts.map((text) => [text, STEMS.get(text) ?? []]));
}

const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/** tsquery text matching any alternative: `'a' | ('b' & 'c')`. */
export function anyOf(alternatives: string[][]): string {
  return alternatives
    .map((lexemes) => (lexemes.length === 1 ? quote(lexemes[0]!) : `(${lexemes.map(quote).join(' & ')})`))
    .join(' | ');
}

/**
 * The subject words of each question, with their synonyms, stemmed. Postgres' English stop words
 * ("the", "when") stem to nothing and drop out; so do the asking words of `QUESTION_WORDS`.
 */
export async function termGroupsOf(db: Db, questions: string[]): Promise<TermGroup[][]> {
  const raw = questions.map((question) => {
    const words = wordsOf(question);
    const groups: { word: string; texts: string[]; light: boolean }[] = [];
    for (let i = 0; i < words.length; i++) {
      const pair = i + 1 < words.length ? `${words[i]} ${words[i + 1]}` : '';
      if (pair && SYNONYMS[pair]) {
        groups.push({ word: pair, texts: [pair, ...SYNONYMS[pair]!], light: false });
        i++;
        continue;
      }
      const word = words[i]!;
      if (QUESTION_WORDS.has(word) || groups.some((group) => group.word === word)) continue;
      groups.push({
        word,
        texts: [word, ...(SYNONYMS[word] ?? [])],
        light: /^\d+$/.test(word) || LIGHT_WORDS.has(word),
      });
    }
    return groups;
  });
  const stems = await stem(
    db,
    raw.flatMap((groups) => groups.flatMap((group) => group.texts)),
  );
  return raw.map((groups) => {
    // Each word's own stems: a synonym that is another word of the same question is that word's,
    // not a second way to match this one ("thermostat temperature" is two things asked).
    const own = new Set(groups.map((group) => (stems.get(group.texts[0]!) ?? []).join(' ')));
    return groups.flatMap((group) => {
      const primary = (stems.get(group.texts[0]!) ?? []).join(' ');
      // The word itself is a stop word: the group says nothing, whatever its synonyms.
      if (!primary) return [];
      const seen = new Set<string>();
      const alternatives = group.texts
        .map((text) => stems.get(text) ?? [])
        .filter((lexemes, i) => {
          const key = lexemes.join(' ');
          if (lexemes.length === 0 || seen.has(key) || (i > 0 && own.has(key))) return false;
          seen.add(key);
          return true;
        });
      return [
        {
          word: group.word,
          alternatives,
          weight: group.light ? 0.25 : 1,
          optional: group.light,
          query: anyOf(alternatives),
        },
      ];
    });
  });
}
