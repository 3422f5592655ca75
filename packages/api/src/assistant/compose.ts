import type { AnswerPart, RetrievedPassage } from './retrieve';

/**
 * The answer without a model: for each question asked, the sentences of the best passage that
 * match it, quoted with where they come from. A message with two questions gets two answers, in
 * the order asked; a question the documents do not answer is said to be unknown, never guessed.
 */

export const DO_NOT_KNOW =
  'I don’t know — I could not find anything about that in your home’s documents. ' +
  'Try asking in other words, or ask the support team in Chat.';

const sourceOf = (passage: RetrievedPassage) =>
  passage.heading && passage.heading !== passage.title
    ? `“${passage.title}” (${passage.heading})`
    : `“${passage.title}”`;

function answerPart(part: AnswerPart): string {
  const best = part.passages[0];
  if (!best) return DO_NOT_KNOW;
  return `According to ${sourceOf(best)}: ${part.sentences.join(' ')}`;
}

/** "where does glass go" → "Where does glass go?" */
const asQuestion = (text: string) => {
  const trimmed = text.trim().replace(/[,;:.\s]+$/, '');
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[?!]$/.test(capital) ? capital : `${capital}?`;
};

export function composeAnswer(parts: AnswerPart[]): string {
  const answered = parts.filter((part) => part.passages.length > 0);
  if (answered.length === 0) return DO_NOT_KNOW;
  if (parts.length === 1) return answerPart(parts[0]!);
  return parts
    .map((part) =>
      part.passages.length > 0
        ? `${asQuestion(part.question)} ${answerPart(part)}`
        : `${asQuestion(part.question)} I don’t know: your home’s documents do not say. You can ask the support team in Chat.`,
    )
    .join('\n\n');
}
