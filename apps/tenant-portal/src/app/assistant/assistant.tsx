'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';

import { Card, Empty, ErrorState, formatDate, Loading, useTrack } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

interface Citation {
  documentId: string;
  passageId: number;
  title: string;
  heading: string | null;
  snippet: string;
}

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
    <ol className="oh-citations" aria-label="Sources">
      {citations.map((citation) => (
        <li key={citation.passageId}>
          <a href={`/documents/${citation.documentId}#passage-${citation.passageId}`}>
            {citation.title}
            {citation.heading && citation.heading !== citation.title ? ` — ${citation.heading}` : ''}
          </a>
          <p className="oh-meta">
            …<Snippet text={citation.snippet} />…
          </p>
        </li>
      ))}
    </ol>
  );
}

export function AssistantView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const track = useTrack();
  const history = useQuery(trpc.assistant.history.queryOptions());
  const ask = useMutation(
    trpc.assistant.ask.mutationOptions({
      onSuccess: async (answer) => {
        track('assistant.asked', { answeredBy: answer.answeredBy });
        await queryClient.invalidateQueries({ queryKey: trpc.assistant.history.queryKey() });
      },
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    ask.mutate({ question: String(new FormData(event.currentTarget).get('question') ?? '') });
  };

  return (
    <>
      <form className="oh-form" onSubmit={submit} aria-label="Ask the assistant">
        <label>
          Your question
          <input
            name="question"
            required
            minLength={3}
            maxLength={500}
            placeholder="e.g. When are the bins collected?"
          />
        </label>
        <button type="submit" disabled={ask.isPending}>
          {ask.isPending ? 'Looking through your documents…' : 'Ask'}
        </button>
        {ask.isError ? <ErrorState error={ask.error} /> : null}
      </form>
      {ask.data ? (
        <section aria-label="Answer" aria-live="polite" className="oh-card">
          <h3>{ask.data.question}</h3>
          <p style={{ whiteSpace: 'pre-wrap' }}>{ask.data.answer}</p>
          <Citations citations={ask.data.citations} />
        </section>
      ) : null}
      <h3>Earlier questions</h3>
      {history.isPending ? <Loading what="your questions" /> : null}
      {history.isError ? <ErrorState error={history.error} retry={() => void history.refetch()} /> : null}
      {history.data?.length === 0 ? <Empty>You have not asked anything yet.</Empty> : null}
      {history.data?.map((item) => (
        <Card key={item.id} title={item.question} meta={formatDate(item.createdAt)}>
          <p style={{ whiteSpace: 'pre-wrap' }}>{item.answer}</p>
          <Citations citations={item.citations} />
        </Card>
      ))}
    </>
  );
}
