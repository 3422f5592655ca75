import type { RetrievedPassage } from './retrieve';

/** The answer without a model: the best passage, quoted with where it comes from. */

export const DO_NOT_KNOW =
  'I don’t know — I could not find anything about that in your home’s documents. ' +
  'Try asking in other words, or ask the support team in Chat.';

export function composeAnswer(passages: RetrievedPassage[]): string {
  const [best, ...rest] = passages;
  if (!best) return DO_NOT_KNOW;
  const source =
    best.heading && best.heading !== best.title ? `“${best.title}” (${best.heading})` : `“${best.title}”`;
  const alsoSee = [...new Set(rest.map((p) => p.title).filter((title) => title !== best.title))];
  return [
    `According to ${source}: ${best.content}`,
    alsoSee.length > 0 ? `See also ${alsoSee.map((title) => `“${title}”`).join(' and ')}.` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}
