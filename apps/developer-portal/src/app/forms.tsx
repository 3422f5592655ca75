'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';

import {
  categoryLabel,
  errorText,
  Field,
  FormProblem,
  KNOWN_CATEGORIES,
  useFocusOnError,
  useHumanError,
  useUrlState,
  type ErrorCopy,
} from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

/**
 * Staff forms that publish to homeowners, and edit or withdraw what was published. The development
 * and the home are one piece of state: picking another development clears the home, the homes
 * offered are always that development's, and the form says before sending, and again after,
 * exactly who receives the item.
 */

interface Audience {
  developmentName: string;
  homes: number;
  house: { plotNumber: number; address: string } | null;
}

export const audienceSentence = (audience: Audience) =>
  audience.house
    ? `plot ${audience.house.plotNumber}, ${audience.house.address} only`
    : `all ${audience.homes} homes in ${audience.developmentName}`;

/** The development list as a controlled select; starts on the list filter's development, else the first. */
export function useDevelopmentChoice() {
  const trpc = useTRPC();
  const url = useUrlState();
  const developments = useQuery(trpc.developments.list.queryOptions());
  const [developmentId, setDevelopmentId] = useState('');
  const preferred = url.get('development');
  useEffect(() => {
    if (developmentId || !developments.data?.length) return;
    const wanted = developments.data.find((d) => d.id === preferred) ?? developments.data[0]!;
    setDevelopmentId(wanted.id);
  }, [developments.data, developmentId, preferred]);
  const development = developments.data?.find((d) => d.id === developmentId) ?? null;
  return { developments, developmentId, setDevelopmentId, development };
}

export function DevelopmentPicker({
  developments,
  value,
  onChange,
  error,
}: {
  developments: { id: string; name: string; town: string; houseCount: number }[] | undefined;
  value: string;
  onChange: (developmentId: string) => void;
  error?: string;
}) {
  return (
    <Field label="Development" error={error}>
      <select
        name="developmentId"
        required
        disabled={!developments}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      >
        {!developments ? <option value="">Loading developments…</option> : null}
        {developments?.map((development) => (
          <option key={development.id} value={development.id}>
            {development.name}, {development.town} ({development.houseCount} homes)
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The homes of the chosen development only; `''` is every home. */
function HousePicker({
  developmentId,
  value,
  onChange,
  error,
}: {
  developmentId: string;
  value: string;
  onChange: (houseId: string) => void;
  error?: string;
}) {
  const trpc = useTRPC();
  const houses = useQuery({
    ...trpc.developments.houses.queryOptions({ developmentId }),
    enabled: Boolean(developmentId),
  });
  // A home of another development can never stay selected.
  const known = !value || houses.data?.some((house) => house.id === value);
  useEffect(() => {
    if (houses.data && !known) onChange('');
  }, [houses.data, known, onChange]);
  return (
    <Field label="Send to" error={error}>
      <select
        name="houseId"
        disabled={!houses.data}
        value={known ? value : ''}
        onChange={(e) => onChange(e.target.value)}
      >
        <option value="">{houses.data ? 'Every home in the development' : 'Loading homes…'}</option>
        {houses.data?.map((house) => (
          <option key={house.id} value={house.id}>
            Only plot {house.plotNumber}, {house.address}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** Development + home, kept consistent, with a line saying who will receive the item. */
function useAudienceFields(errors: Record<string, string> | undefined): {
  developmentId: string;
  houseId: string;
  resetHouse: () => void;
  fields: ReactNode;
} {
  const trpc = useTRPC();
  const { developments, developmentId, setDevelopmentId, development } = useDevelopmentChoice();
  const [houseId, setHouseId] = useState('');
  const houses = useQuery({
    ...trpc.developments.houses.queryOptions({ developmentId }),
    enabled: Boolean(developmentId),
  });
  const house = houses.data?.find((h) => h.id === houseId);
  const preview = !development
    ? null
    : house
      ? `Only plot ${house.plotNumber}, ${house.address} (${development.name}) will receive this.`
      : `All ${development.houseCount} homes in ${development.name} will receive this.`;
  return {
    developmentId,
    houseId: house ? houseId : '',
    resetHouse: () => setHouseId(''),
    fields: (
      <>
        <div className="oh-form-grid">
          <DevelopmentPicker
            developments={developments.data}
            value={developmentId}
            onChange={(id) => {
              setDevelopmentId(id);
              setHouseId('');
            }}
            error={errors?.developmentId}
          />
          <HousePicker
            developmentId={developmentId}
            value={houseId}
            onChange={setHouseId}
            error={errors?.houseId}
          />
        </div>
        {preview ? (
          <p className="oh-preview-audience" aria-live="polite">
            {preview}
          </p>
        ) : null}
      </>
    ),
  };
}

const NOTICE_COPY: ErrorCopy = {
  fields: {
    developmentId: 'Choose a development.',
    houseId: 'Choose one of this development’s homes, or every home.',
    title: 'Enter a title of up to 200 characters.',
    body: 'Write the message, up to 10,000 characters.',
  },
  notFound: {
    developmentId: 'That development is not one of yours any more. Choose another.',
    houseId: 'That home could not be found in this development. Choose it again.',
  },
};

export function PostNoticeForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const create = useMutation(
    trpc.noticeboard.create.mutationOptions({
      onSuccess: async () => {
        setTitle('');
        setBody('');
        audience.resetHouse();
        await queryClient.invalidateQueries({ queryKey: trpc.noticeboard.list.pathKey() });
      },
    }),
  );
  const error = useHumanError(create.error, NOTICE_COPY);
  useFocusOnError(form, error);
  const audience = useAudienceFields(error?.fields);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    create.mutate({
      developmentId: audience.developmentId,
      houseId: audience.houseId || null,
      title,
      body,
    });
  };
  return (
    <form ref={form} className="oh-form" onSubmit={submit} aria-labelledby="oh-post-notice">
      <h3 id="oh-post-notice">Post a notice</h3>
      {audience.fields}
      <Field label="Title" error={error?.fields.title}>
        <input
          name="title"
          required
          maxLength={200}
          value={title}
          onChange={(e) => setTitle(e.target.value)}
        />
      </Field>
      <Field label="Message" error={error?.fields.body}>
        <textarea
          name="body"
          required
          maxLength={10_000}
          rows={4}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </Field>
      <FormProblem error={error} shown={['developmentId', 'houseId', 'title', 'body']} />
      <div className="oh-actions">
        <button type="submit" disabled={create.isPending || !audience.developmentId}>
          {create.isPending ? 'Posting…' : 'Post notice'}
        </button>
      </div>
      {create.isSuccess ? (
        <p className="oh-confirm" role="status">
          Posted “{create.data.title}” to {audienceSentence(create.data.audience)}.
        </p>
      ) : null}
    </form>
  );
}

const DOCUMENT_COPY: ErrorCopy = {
  fields: {
    ...NOTICE_COPY.fields,
    category:
      'Use lowercase letters, digits and dashes, starting with a letter (for example heating or bin-collection).',
    body: 'Write the document: up to 100,000 characters.',
  },
  notFound: NOTICE_COPY.notFound,
};

export function PublishDocumentForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useRef<HTMLFormElement>(null);
  const [title, setTitle] = useState('');
  const [category, setCategory] = useState('');
  const [body, setBody] = useState('');
  const publish = useMutation(
    trpc.documents.create.mutationOptions({
      onSuccess: async () => {
        setTitle('');
        setCategory('');
        setBody('');
        audience.resetHouse();
        await queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() });
      },
    }),
  );
  const error = useHumanError(publish.error, DOCUMENT_COPY);
  useFocusOnError(form, error);
  const audience = useAudienceFields(error?.fields);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    publish.mutate({
      developmentId: audience.developmentId,
      houseId: audience.houseId || null,
      title,
      category: category.trim().toLowerCase(),
      body,
    });
  };
  return (
    <form ref={form} className="oh-form" onSubmit={submit} aria-labelledby="oh-publish-document">
      <h3 id="oh-publish-document">Publish a document</h3>
      {audience.fields}
      <div className="oh-form-grid">
        <Field label="Title" error={error?.fields.title}>
          <input
            name="title"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </Field>
        <Field
          label="Category"
          hint="Lowercase letters, digits and dashes, e.g. heating."
          error={error?.fields.category}
        >
          <input
            name="category"
            required
            maxLength={40}
            // Valid in the browser's `v`-flag pattern syntax: a literal dash is escaped.
            pattern="[a-z][a-z0-9\-]*"
            list="oh-categories"
            autoCapitalize="none"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
            onBlur={() => setCategory((c) => c.trim().toLowerCase())}
          />
        </Field>
        <datalist id="oh-categories">
          {KNOWN_CATEGORIES.map((known) => (
            <option key={known} value={known}>
              {categoryLabel(known)}
            </option>
          ))}
        </datalist>
      </div>
      <Field
        label="Text"
        hint="Markdown or plain text. A line starting with # begins a new section."
        error={error?.fields.body}
      >
        <textarea name="body" required rows={8} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <FormProblem error={error} shown={['developmentId', 'houseId', 'title', 'category', 'body']} />
      <div className="oh-actions">
        <button type="submit" disabled={publish.isPending || !audience.developmentId}>
          {publish.isPending ? 'Publishing…' : 'Publish'}
        </button>
      </div>
      {publish.isSuccess ? (
        <p className="oh-confirm" role="status">
          Published “{publish.data.title}” in {publish.data.passageCount}{' '}
          {publish.data.passageCount === 1 ? 'section' : 'sections'} to{' '}
          {audienceSentence(publish.data.audience)}.
        </p>
      ) : null}
    </form>
  );
}

const EDIT_COPY: ErrorCopy = {
  fields: DOCUMENT_COPY.fields,
  notFound: {
    id: 'This document is no longer one of yours: it may be in a development your account does not cover.',
    houseId: NOTICE_COPY.notFound!.houseId!,
  },
};

type EditableDocument = {
  id: string;
  developmentId: string;
  houseId: string | null;
  title: string;
  category: string;
  body: string;
  withdrawnAt: Date | string | null;
};

/**
 * On a document's page: edit its title, category, audience (a home of its own development) and
 * text, or withdraw it from homeowners (after confirming) and republish it. Saving a new text
 * replaces the sections the assistant answers from.
 */
export function DocumentActions({ id }: { id: string }) {
  const trpc = useTRPC();
  const document = useQuery(trpc.documents.get.queryOptions({ id }));
  const [editing, setEditing] = useState(false);
  if (!document.data) return null;
  return (
    <section className="oh-document-actions" aria-label="Manage this document">
      {editing ? (
        <EditDocumentForm document={document.data} onDone={() => setEditing(false)} />
      ) : (
        <div className="oh-actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit document
          </button>
        </div>
      )}
      <Availability document={document.data} />
    </section>
  );
}

function useRefreshDocuments() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.documents.get.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.documents.list.pathKey() }),
    ]);
}

function EditDocumentForm({ document, onDone }: { document: EditableDocument; onDone: () => void }) {
  const trpc = useTRPC();
  const refresh = useRefreshDocuments();
  const form = useRef<HTMLFormElement>(null);
  const [title, setTitle] = useState(document.title);
  const [category, setCategory] = useState(document.category);
  const [body, setBody] = useState(document.body);
  const [houseId, setHouseId] = useState(document.houseId ?? '');
  const update = useMutation(trpc.documents.update.mutationOptions({ onSuccess: refresh }));
  const error = useHumanError(update.error, EDIT_COPY);
  useFocusOnError(form, error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({
      id: document.id,
      title,
      category: category.trim().toLowerCase(),
      body,
      houseId: houseId || null,
    });
  };
  return (
    <form ref={form} className="oh-form" onSubmit={submit} aria-labelledby="oh-edit-document">
      <h3 id="oh-edit-document">Edit document</h3>
      <HousePicker
        developmentId={document.developmentId}
        value={houseId}
        onChange={setHouseId}
        error={error?.fields.houseId}
      />
      <div className="oh-form-grid">
        <Field label="Title" error={error?.fields.title}>
          <input
            name="title"
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
        </Field>
        <Field
          label="Category"
          hint="Lowercase letters, digits and dashes, e.g. heating."
          error={error?.fields.category}
        >
          <input
            name="category"
            required
            maxLength={40}
            pattern="[a-z][a-z0-9\-]*"
            autoCapitalize="none"
            value={category}
            onChange={(e) => setCategory(e.target.value)}
            onBlur={() => setCategory((c) => c.trim().toLowerCase())}
          />
        </Field>
      </div>
      <Field
        label="Text"
        hint="Markdown or plain text. A line starting with # begins a new section."
        error={error?.fields.body}
      >
        <textarea name="body" required rows={12} value={body} onChange={(e) => setBody(e.target.value)} />
      </Field>
      <FormProblem error={error} shown={['houseId', 'title', 'category', 'body']} />
      <div className="oh-actions">
        <button type="submit" disabled={update.isPending}>
          {update.isPending ? 'Saving…' : 'Save changes'}
        </button>
        <button type="button" className="oh-secondary" onClick={onDone}>
          {update.isSuccess ? 'Close' : 'Cancel'}
        </button>
      </div>
      {update.isSuccess ? (
        <p className="oh-confirm" role="status">
          Saved “{update.data.title}” in {update.data.passageCount}{' '}
          {update.data.passageCount === 1 ? 'section' : 'sections'}, for{' '}
          {audienceSentence(update.data.audience)}
          {update.data.withdrawnAt ? ' once it is republished' : ''}.
        </p>
      ) : null}
    </form>
  );
}

/** Withdraw (after confirming) or republish: whether homeowners and the assistant can see it. */
function Availability({ document }: { document: EditableDocument }) {
  const trpc = useTRPC();
  const refresh = useRefreshDocuments();
  const [confirming, setConfirming] = useState(false);
  const withdraw = useMutation(
    trpc.documents.withdraw.mutationOptions({
      onSuccess: async () => {
        setConfirming(false);
        await refresh();
      },
    }),
  );
  const republish = useMutation(trpc.documents.republish.mutationOptions({ onSuccess: refresh }));
  const failed = withdraw.error ?? republish.error;
  const error = useHumanError(failed, EDIT_COPY);
  return (
    <div className="oh-availability">
      {document.withdrawnAt ? (
        <div className="oh-actions">
          <button
            type="button"
            disabled={republish.isPending}
            onClick={() => republish.mutate({ id: document.id })}
          >
            {republish.isPending ? 'Republishing…' : 'Republish'}
          </button>
        </div>
      ) : confirming ? (
        <div className="oh-confirm" role="group" aria-label="Confirm withdrawing">
          <p>
            Withdraw “{document.title}”? Homeowners will no longer see it, and the assistant will stop
            answering from it. You can republish it later.
          </p>
          <div className="oh-actions">
            <button
              type="button"
              className="oh-danger"
              disabled={withdraw.isPending}
              onClick={() => withdraw.mutate({ id: document.id })}
            >
              {withdraw.isPending ? 'Withdrawing…' : 'Yes, withdraw it'}
            </button>
            <button type="button" className="oh-secondary" onClick={() => setConfirming(false)}>
              Keep it published
            </button>
          </div>
        </div>
      ) : (
        <div className="oh-actions">
          <button type="button" className="oh-secondary" onClick={() => setConfirming(true)}>
            Withdraw from homeowners
          </button>
        </div>
      )}
      {withdraw.isSuccess && document.withdrawnAt ? (
        <p className="oh-meta" role="status">
          Withdrawn. Homeowners can no longer see “{document.title}”.
        </p>
      ) : null}
      {republish.isSuccess && !document.withdrawnAt ? (
        <p className="oh-meta" role="status">
          Republished. Homeowners can see “{document.title}” again.
        </p>
      ) : null}
      {error ? (
        <p className="oh-field-error" role="alert">
          {errorText(error)}
        </p>
      ) : null}
    </div>
  );
}
