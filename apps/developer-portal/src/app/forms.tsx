'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';

import { ErrorState } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

export function DevelopmentSelect({ onChange }: { onChange?: (developmentId: string) => void }) {
  const trpc = useTRPC();
  const developments = useQuery(trpc.developments.list.queryOptions());
  const first = developments.data?.[0]?.id;
  useEffect(() => {
    if (first) onChange?.(first);
  }, [first, onChange]);
  return (
    <label>
      Development
      <select
        name="developmentId"
        required
        disabled={!developments.data}
        onChange={(event) => onChange?.(event.target.value)}
      >
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

/** Every home of the development, or one. */
function HouseSelect({ developmentId }: { developmentId: string | null }) {
  const trpc = useTRPC();
  const houses = useQuery({
    ...trpc.developments.houses.queryOptions({ developmentId: developmentId ?? '' }),
    enabled: Boolean(developmentId),
  });
  return (
    <label>
      Send to
      <select name="houseId" disabled={!houses.data}>
        <option value="">Every home in the development</option>
        {houses.data?.map((house) => (
          <option key={house.id} value={house.id}>
            Only plot {house.plotNumber}, {house.address}
          </option>
        ))}
      </select>
    </label>
  );
}

export function PostNoticeForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [posted, setPosted] = useState<string | null>(null);
  const [developmentId, setDevelopmentId] = useState<string | null>(null);
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
      houseId: text(form, 'houseId') || null,
      title: text(form, 'title'),
      body: text(form, 'body'),
    });
    event.currentTarget.reset();
  };
  return (
    <form className="oh-form" onSubmit={submit} aria-label="Post a notice">
      <h3>Post a notice</h3>
      <DevelopmentSelect onChange={setDevelopmentId} />
      <HouseSelect developmentId={developmentId} />
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
  const [developmentId, setDevelopmentId] = useState<string | null>(null);
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
      houseId: text(form, 'houseId') || null,
      title: text(form, 'title'),
      category: text(form, 'category'),
      body: text(form, 'body'),
    });
    event.currentTarget.reset();
  };
  return (
    <form className="oh-form" onSubmit={submit} aria-label="Publish a document">
      <h3>Publish a document</h3>
      <DevelopmentSelect onChange={setDevelopmentId} />
      <HouseSelect developmentId={developmentId} />
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
