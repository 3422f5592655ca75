'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useRef, useState, type FormEvent, type ReactNode } from 'react';

import {
  Card,
  DateText,
  Empty,
  ErrorState,
  Field,
  FormProblem,
  Loading,
  useHumanError,
  useTrack,
  type ErrorCopy,
} from '@openhouse/ui';
import { useTRPC, type RouterOutputs } from '@openhouse/ui/trpc';

type Citation = RouterOutputs['assistant']['ask']['citations'][number];

/** The snippet with its matched words highlighted; built as elements, never as HTML. */
function Snippet({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/(<mark>.*?<\/mark>)/g)
        .map((part, i) => (part.startsWith('<mark>') ? <mark key={i}>{part.slice(6, -7)}</mark> : part))}
    </>
  );
}

function Citations({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <>
      <h4 className="oh-meta">Sources</h4>
      <ol className="oh-citations" aria-label="Sources">
        {citations.map((citation) => (
          <li key={citation.passageId}>
            <Link href={`/documents/${citation.documentId}#passage-${citation.passageId}`}>
              {citation.title}
              {citation.heading && citation.heading !== citation.title ? ` — ${citation.heading}` : ''}
            </Link>
            <p className="oh-meta">
              …<Snippet text={citation.snippet} />…
            </p>
          </li>
        ))}
      </ol>
    </>
  );
}

const CHAT_PHRASE = /(ask the support team in Chat)/i;

/** The answer's paragraphs; the pointer to the support team is a real link. */
function AnswerText({ text }: { text: string }) {
  return (
    <>
      {text.split(/\n{2,}/).map((paragraph, i) => (
        <p key={i} className="oh-prose oh-answer-part">
          {paragraph.split(CHAT_PHRASE).map((part, j): ReactNode =>
            CHAT_PHRASE.test(part) ? (
              <Link key={j} href="/chat">
                {part}
              </Link>
            ) : (
              <Fragment key={j}>{part}</Fragment>
            ),
          )}
        </p>
      ))}
    </>
  );
}

const COPY: ErrorCopy = {
  fields: { question: 'Type a question of 3 to 500 characters.' },
};

export function AssistantView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const track = useTrack();
  const answer = useRef<HTMLElement>(null);
  const [question, setQuestion] = useState('');
  const [asked, setAsked] = useState('');
  const history = useQuery(trpc.assistant.history.queryOptions());
  const ask = useMutation(
    trpc.assistant.ask.mutationOptions({
      onSuccess: async (result) => {
        track('assistant.asked', { answeredBy: result.answeredBy });
        setQuestion('');
        await queryClient.invalidateQueries({ queryKey: trpc.assistant.history.queryKey() });
        answer.current?.focus();
      },
    }),
  );
  const error = useHumanError(ask.error, COPY);
  const send = (text: string) => {
    setAsked(text);
    ask.mutate({ question: text });
  };
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send(question);
  };
  // The answer just given is shown above; the history lists the ones before it.
  const earlier = history.data?.filter((item) => item.id !== ask.data?.id) ?? [];

  return (
    <>
      <form className="oh-form" onSubmit={submit} aria-label="Ask the assistant">
        <Field
          label="Your question"
          hint="For example: When are the bins collected? Is a crack in the plaster covered?"
          error={error?.fields.question}
        >
          <input
            name="question"
            required
            minLength={3}
            maxLength={500}
            value={question}
            onChange={(event) => setQuestion(event.target.value)}
          />
        </Field>
        {error && error.summary ? (
          <div className="oh-form-problem" role="alert">
            <p>{error.summary}</p>
            {error.retryable && asked ? (
              <button type="button" className="oh-secondary" onClick={() => send(asked)}>
                Try again
              </button>
            ) : null}
          </div>
        ) : (
          <FormProblem error={error} shown={['question']} />
        )}
        <div className="oh-actions">
          <button type="submit" disabled={ask.isPending}>
            {ask.isPending ? 'Looking through your documents…' : 'Ask'}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {ask.data ? (
          <section ref={answer} tabIndex={-1} aria-label="Answer" className="oh-card">
            <h3>{ask.data.question}</h3>
            <AnswerText text={ask.data.answer} />
            <Citations citations={ask.data.citations} />
          </section>
        ) : null}
      </div>
      <h3>Earlier questions</h3>
      {history.isPending ? <Loading what="your questions" /> : null}
      {history.isError ? <ErrorState error={history.error} retry={() => void history.refetch()} /> : null}
      {history.data && earlier.length === 0 ? <Empty>You have not asked anything else yet.</Empty> : null}
      {earlier.map((item) => (
        <Card key={item.id} title={item.question} meta={<DateText value={item.createdAt} withTime />}>
          <AnswerText text={item.answer} />
          <Citations citations={item.citations} />
        </Card>
      ))}
    </>
  );
}
