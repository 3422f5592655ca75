import { isIsoDate, isObject, isUuid, type LoadSuite } from './suite';

/**
 * The assistant: `assistant.ask` with questions a homeowner would ask about the seeded documents
 * (every development has the same six guides), each connection walking the list from its own
 * offset. Every question is about a seeded document, so every answer must cite at least one.
 */

export const QUESTIONS = [
  'Which day are the bins collected?',
  'Which bin does glass go in?',
  'How do I get bulky items collected?',
  'What temperature should I set the heat pump thermostat to?',
  'When does the legionella cycle run for the hot water cylinder?',
  'How often should the heat pump be serviced?',
  'What does the ten-year structural warranty cover?',
  'Are shrinkage cracks in plaster covered by the warranty?',
  'How many parking spaces does each home have?',
  'How do I register the electric vehicle charge point?',
  'Which broadband providers can I choose from?',
  'Where is the water meter?',
  'How do I report snags after moving in?',
  'How long does it take to fix snags?',
] as const;

interface RagState {
  next: number;
}

const ANSWERED_BY = ['passages', 'model'];

export const ragSuite: LoadSuite<RagState> = {
  name: 'rag',
  mix: `assistant.ask, ${QUESTIONS.length} questions about the seeded documents`,
  newState: ({ index }) => ({ next: index % QUESTIONS.length }),
  nextCall(state) {
    const question = QUESTIONS[state.next % QUESTIONS.length]!;
    state.next += 1;
    return {
      procedure: 'assistant.ask',
      kind: 'mutation',
      input: { question },
      check(data) {
        if (!isObject(data) || !isUuid(data.id) || data.question !== question)
          return 'assistant.ask: not this question';
        if (typeof data.answer !== 'string' || data.answer.length === 0) return 'assistant.ask: empty answer';
        if (typeof data.answeredBy !== 'string' || !ANSWERED_BY.includes(data.answeredBy)) {
          return `assistant.ask: answeredBy ${String(data.answeredBy)}`;
        }
        if (!isIsoDate(data.createdAt)) return 'assistant.ask: createdAt malformed';
        const citations = data.citations;
        if (!Array.isArray(citations) || citations.length === 0)
          return `assistant.ask: no citation for "${question}"`;
        if (!citations.every((c) => isObject(c) && isUuid(c.documentId) && typeof c.title === 'string')) {
          return 'assistant.ask: malformed citation';
        }
        return undefined;
      },
    };
  },
};
