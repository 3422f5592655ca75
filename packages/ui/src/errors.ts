import { TRPCClientError } from '@trpc/client';

/**
 * What a person is told when a call fails: plain sentences, each next to the field it concerns.
 *
 * A validation failure (the API's input schema refused a field) arrives with `data.fields`; the
 * validator's own wording is never shown: each form says, per field, what a good value is. Other
 * refusals are the API's own `field: sentence` messages (written for people: "this invite code has
 * expired"), shown as sentences next to that field, or in the form's summary when no field is named.
 */

export interface ErrorCopy {
  /** By the API's field name: what to say when the value was refused ("Enter a title."). */
  fields?: Record<string, string>;
  /** By field name: what to say when the API could not find what the field names (a 404). */
  notFound?: Record<string, string>;
}

export interface HumanError {
  /** HTTP status of the answer; undefined when the server could not be reached. */
  status: number | undefined;
  /** A sentence for the whole form or page, when the problem is not one field's. */
  summary: string | null;
  /** Sentences by field name. */
  fields: Record<string, string>;
  /** Whether trying again unchanged may work (a busy or unreachable server). */
  retryable: boolean;
}

interface ErrorData {
  httpStatus?: number;
  code?: string;
  fields?: { field: string; message: string }[];
}

const dataOf = (error: unknown): ErrorData | undefined =>
  error instanceof TRPCClientError ? (error.data as ErrorData | undefined) : undefined;

/** "this invite code has expired" → "This invite code has expired." */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?…]$/.test(capital) ? capital : `${capital}.`;
}

/** Messages from the database layer that are correct but terse: said again for people. */
const GENERIC: Record<string, string> = {
  'not found': 'We could not find that. It may have been removed; please choose again.',
  'Invalid value': 'One of the values was not accepted. Please check what you entered.',
  'Already exists': 'That already exists.',
  'Not allowed for this account': 'Your account is not allowed to do this.',
};

const BY_STATUS: Record<number, string> = {
  401: 'Your session has ended. Please sign in again.',
  403: 'Your account does not have access to this.',
  404: 'We could not find that. It may have been removed, or the link may be wrong.',
  409: 'That was already done.',
  413: 'That is too large to send.',
  429: 'Too many attempts. Please wait a little and try again.',
  502: 'We could not confirm that was saved. Please check before trying again.',
  503: 'The service is busy right now. Please try again in a moment.',
  504: 'That took too long to answer. Please try again.',
};

/** A failed call, in sentences a person can act on. */
export function humanError(error: unknown, copy: ErrorCopy = {}): HumanError {
  const data = dataOf(error);
  const status = data?.httpStatus;
  const fields: Record<string, string> = {};
  let summary: string | null = null;
  // A 502 is a change that may already be saved: the person checks rather than repeats it.
  const retryable = status === undefined || (status >= 500 && status !== 502);

  if (status === undefined) {
    return {
      status,
      summary: 'We could not reach OpenHouse. Check your connection and try again.',
      fields,
      retryable,
    };
  }
  if (data?.fields?.length) {
    // The validator refused fields: each form's own sentence, never the validator's wording.
    for (const { field } of data.fields) {
      const name = field === 'input' ? '' : field.split('.')[0]!;
      if (name) fields[name] = copy.fields?.[name] ?? 'Please check this.';
      else summary = 'Some details were not accepted. Please check the form.';
    }
    return { status, summary, fields, retryable: false };
  }
  const message = error instanceof Error ? error.message : '';
  const named = /^([A-Za-z][\w]*): (.+)$/s.exec(message);
  if (named && status < 500) {
    const [, field, text] = named as unknown as [string, string, string];
    fields[field] = (status === 404 ? copy.notFound?.[field] : undefined) ?? GENERIC[text] ?? sentence(text);
    return { status, summary, fields, retryable: false };
  }
  if (status < 500 && GENERIC[message]) summary = GENERIC[message]!;
  else
    summary =
      BY_STATUS[status] ??
      (status >= 500
        ? 'Something went wrong on our side. Please try again.'
        : 'That did not work. Please check what you entered.');
  return { status, summary, fields, retryable };
}

/** Every sentence of an error as one line, for places with no fields to put them next to. */
export function errorText(error: HumanError, labels: Record<string, string> = {}): string {
  const parts = Object.entries(error.fields).map(([field, text]) =>
    labels[field] ? `${labels[field]}: ${text}` : text,
  );
  return [error.summary, ...parts].filter(Boolean).join(' ');
}
