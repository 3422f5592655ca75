import { and, desc, eq, gte, sql } from 'drizzle-orm';
import { z } from 'zod';

import { schema, type Db } from '@openhouse/db';
import { traceStep } from '@openhouse/error-tracker';

import { composeAnswer } from '../assistant/compose';
import { loadAssistantEnv } from '../assistant/env';
import { askModel } from '../assistant/model';
import { citationsOf, retrieveAnswer, type RetrievedPassage } from '../assistant/retrieve';
import {
  developerProcedure,
  homeownerPhasedProcedure,
  homeownerProcedure,
  type HomeownerClaims,
} from '../procedures';
import { recordRetry } from '../metrics';
import { phasedIdempotencyKey } from '../middleware/idempotency';
import { ASSISTANT_QUESTIONS, takeCall } from '../rate-limit';
import { router } from '../trpc';

const { assistantQuestions } = schema;

type AnsweredBy = 'passages' | 'model' | 'none';

type Answered = Awaited<ReturnType<typeof record>>;

/** Stores the question and its answer, and returns what the caller sees. */
async function record(
  db: Db,
  claims: HomeownerClaims,
  question: string,
  passages: RetrievedPassage[],
  answer: string,
  answeredBy: AnsweredBy,
) {
  const citations = passages.map(({ documentId, passageId, title, heading, snippet }) => ({
    documentId,
    passageId,
    title,
    heading,
    snippet,
  }));
  const [row] = await db
    .insert(assistantQuestions)
    .values({
      developmentId: claims.development_id,
      houseId: claims.house_id,
      question,
      answer,
      answeredBy,
      topic: passages[0]?.category ?? null,
      citations,
    })
    .returning({ id: assistantQuestions.id, createdAt: assistantQuestions.createdAt });
  return { id: row!.id, question, answer, answeredBy, citations, createdAt: row!.createdAt };
}

const questionInput = z.object({
  question: z.string().trim().min(3, 'ask a question').max(500, 'at most 500 characters'),
});

export const assistantRouter = router({
  /**
   * Answers from the documents the homeowner may read. Without a model: one short transaction
   * (retrieve, compose, store). With `ASSISTANT_LLM_BASE_URL`: a short RLS read, the model call
   * holding no connection, a short RLS write; a failed or slow model falls back to the composed
   * answer rather than failing the question.
   */
  ask: homeownerPhasedProcedure
    .input(questionInput)
    // Each question may wait on a model: limited per homeowner.
    .use(({ ctx, next }) => {
      takeCall(ASSISTANT_QUESTIONS, ctx.claims);
      return next();
    })
    .mutation(async ({ ctx, input, path }) => {
      const { database, claims } = ctx;
      const env = loadAssistantEnv();
      const { question } = input;
      const baseUrl = env.ASSISTANT_LLM_BASE_URL;
      // A repeat with the same Idempotency-Key is answered from what the first stored, once.
      const keyed = phasedIdempotencyKey(claims, ctx.idempotencyKey, path, input);
      const recordOnce = async (
        db: Db,
        passages: RetrievedPassage[],
        answer: string,
        answeredBy: AnsweredBy,
      ): Promise<Answered> => {
        const earlier = await keyed?.lookup(db);
        if (earlier?.kind === 'fresh') return earlier.response as Answered;
        const answered = await record(db, claims, question, passages, answer, answeredBy);
        if (earlier) await keyed!.store(db, earlier, answered);
        return answered;
      };
      // Each step is one DB-only transaction, so `withRls` may replay it; the model is never asked twice.
      const onReplay = () => recordRetry(path);
      if (!baseUrl) {
        return database.withRls(
          claims,
          async (db) => {
            const parts = await retrieveAnswer(db, question);
            const passages = citationsOf(parts);
            const answeredBy = passages.length > 0 ? 'passages' : 'none';
            return recordOnce(db, passages, composeAnswer(parts), answeredBy);
          },
          { onReplay },
        );
      }

      const first = await database.withRls(
        claims,
        async (db): Promise<{ replay: Answered } | { parts: Awaited<ReturnType<typeof retrieveAnswer>> }> => {
          const earlier = await keyed?.lookup(db);
          if (earlier?.kind === 'fresh') return { replay: earlier.response as Answered };
          return { parts: await retrieveAnswer(db, question) };
        },
        { readOnly: true, onReplay },
      );
      if ('replay' in first) return first.replay;
      const passages = citationsOf(first.parts);
      let answer = composeAnswer(first.parts);
      let answeredBy: AnsweredBy = passages.length > 0 ? 'passages' : 'none';
      // With nothing retrieved there is nothing to ground a model's answer in: do not ask it.
      if (passages.length > 0) {
        try {
          answer = await traceStep('assistant model call', 'assistant.model', () =>
            askModel({ ...env, ASSISTANT_LLM_BASE_URL: baseUrl }, question, passages),
          );
          answeredBy = 'model';
        } catch (error) {
          console.warn(`assistant: model call failed, answering from passages: ${(error as Error).message}`);
        }
      }
      return database.withRls(claims, (db) => recordOnce(db, passages, answer, answeredBy), { onReplay });
    }),

  /** The homeowner's recent questions and answers, newest first. */
  history: homeownerProcedure.query(({ ctx }) =>
    ctx.db
      .select({
        id: assistantQuestions.id,
        question: assistantQuestions.question,
        answer: assistantQuestions.answer,
        answeredBy: assistantQuestions.answeredBy,
        citations: assistantQuestions.citations,
        createdAt: assistantQuestions.createdAt,
      })
      .from(assistantQuestions)
      .orderBy(desc(assistantQuestions.createdAt))
      .limit(20),
  ),

  /**
   * Staff: the questions the assistant could not answer, newest first, so that someone can
   * publish what homeowners are missing. Inside the caller's scope (RLS), one development when asked.
   */
  unanswered: developerProcedure
    .input(
      z
        .object({
          days: z.number().int().min(1).max(365).default(30),
          developmentId: z.uuid('choose a development').optional(),
          limit: z.number().int().min(1).max(50).default(20),
        })
        .default({ days: 30, limit: 20 }),
    )
    .query(({ ctx, input }) =>
      ctx.db
        .select({
          id: assistantQuestions.id,
          question: assistantQuestions.question,
          developmentId: assistantQuestions.developmentId,
          // Spelled out: Drizzle leaves columns unqualified in a one-table select.
          developmentName: sql<string>`(select d.name from developments d
            where d.tenant_id = assistant_questions.tenant_id and d.id = assistant_questions.development_id)`,
          createdAt: assistantQuestions.createdAt,
        })
        .from(assistantQuestions)
        .where(
          and(
            eq(assistantQuestions.answeredBy, 'none'),
            gte(assistantQuestions.createdAt, sql`now() - make_interval(days => ${input.days})`),
            input.developmentId ? eq(assistantQuestions.developmentId, input.developmentId) : undefined,
          ),
        )
        .orderBy(desc(assistantQuestions.createdAt))
        .limit(input.limit),
    ),
});
