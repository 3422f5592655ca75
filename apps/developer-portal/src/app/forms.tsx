'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';

import { ErrorState } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

function DevelopmentSelect() {
  const trpc = useTRPC();
  const developments = useQuery(trpc.developments.list.queryOptions());
  return (
    <label>
      Development
      <select name="developmentId" required disabled={!developments.data}>
        {developments.data?.map((development) => (
          <option key={development.id} value={development.id}>
            {development.name}, {development.town} ({development.houseCount} homes)
          </option>
        ))}
      </select>
    </label>
  );
}

const text = (form: FormData, field: string) => String(form.get(field) ?? '');

export function PostNoticeForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [posted, setPosted] = useState<string | null>(null);
  const create = useMutation(
    trpc.noticeboard.create.mutationOptions({
      onSuccess: async (notice) => {
        setPosted(notice.title);
        await queryClient.invalidateQueries({ queryKey: trpc.noticeboard.list.pathKey() });
      },
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({
      developmentId: text(form, 'developmentId'),
      title: text(form, 'title'),
      body: text(form, 'body'),
    });
    event.currentTarget.reset();
  };
  return (
    <form className="oh-form" onSubmit={submit} aria-label="Post a notice">
      <h3>Post a notice</h3>
      <DevelopmentSelect />
      <label>
        Title
        <input name="title" required maxLength={200} />
      </label>
      <label>
        Message
        <textarea name="body" required maxLength={10_000} rows={4} />
      </label>
      <button type="submit" disabled={create.isPending}>
        {create.isPending ? 'Posting…' : 'Post notice'}
      </button>
      {create.isError ? <ErrorState error={create.error} /> : null}
      {posted && create.isSuccess ? <p role="status">Posted “{posted}”.</p> : null}
    </form>
  );
}

export function PublishDocumentForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const publish = useMutation(
    trpc.documents.create.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() }),
    }),
  );
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    publish.mutate({
      developmentId: text(form, 'developmentId'),
      title: text(form, 'title'),
      category: text(form, 'category'),
      body: text(form, 'body'),
    });
    event.currentTarget.reset();
  };
  return (
    <form className="oh-form" onSubmit={submit} aria-label="Publish a document">
      <h3>Publish a document</h3>
      <DevelopmentSelect />
      <label>
        Title
        <input name="title" required maxLength={200} />
      </label>
      <label>
        Category
        <input name="category" required pattern="[a-z][a-z0-9-]*" placeholder="e.g. heating" />
      </label>
      <label>
        Text (markdown: a heading starts a new section)
        <textarea name="body" required rows={8} />
      </label>
      <button type="submit" disabled={publish.isPending}>
        {publish.isPending ? 'Publishing…' : 'Publish'}
      </button>
      {publish.isError ? <ErrorState error={publish.error} /> : null}
      {publish.isSuccess ? (
        <p role="status">
          Published “{publish.data.title}” in {publish.data.passageCount} sections.
        </p>
      ) : null}
    </form>
  );
}
