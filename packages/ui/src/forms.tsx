'use client';

import {
  cloneElement,
  useEffect,
  useId,
  useMemo,
  type ReactElement,
  type ReactNode,
  type RefObject,
} from 'react';

import { humanError, type ErrorCopy, type HumanError } from './errors';

/**
 * A labelled control with its hint and, when the last attempt was refused, the reason next to it
 * (announced, and tied to the control with aria-describedby so a screen reader reads it there).
 */
export function Field({
  label,
  hint,
  error,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: ReactElement<Record<string, unknown>>;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'oh-field oh-field-invalid' : 'oh-field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="oh-hint">
          {hint}
        </p>
      ) : null}
      {cloneElement(children, {
        id,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': describedBy,
      })}
      {error ? (
        <p id={errorId} className="oh-field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** The failed mutation's error in sentences, recomputed only when the error changes. */
export function useHumanError(error: unknown, copy?: ErrorCopy): HumanError | null {
  // `copy` is a constant per form; the error object is what changes.
  return useMemo(() => (error ? humanError(error, copy) : null), [error, copy]);
}

/** After a refused submit, focus the first field that was refused (or the summary). */
export function useFocusOnError(form: RefObject<HTMLElement | null>, error: HumanError | null) {
  useEffect(() => {
    if (!error || !form.current) return;
    const target =
      form.current.querySelector<HTMLElement>('[aria-invalid="true"]') ??
      form.current.querySelector<HTMLElement>('.oh-form-problem');
    target?.focus();
  }, [error, form]);
}

/**
 * The part of an error no field of the form shows: its summary, and any refused field the form
 * does not render (`shown` lists those it does), with its label when one is given.
 */
export function FormProblem({
  error,
  shown = [],
  labels = {},
}: {
  error: HumanError | null;
  shown?: string[];
  labels?: Record<string, string>;
}) {
  if (!error) return null;
  const rest = Object.entries(error.fields).filter(([field]) => !shown.includes(field));
  if (!error.summary && rest.length === 0) return null;
  return (
    <div className="oh-form-problem" role="alert" tabIndex={-1}>
      {error.summary ? <p>{error.summary}</p> : null}
      {rest.map(([field, text]) => (
        <p key={field}>{labels[field] ? `${labels[field]}: ${text}` : text}</p>
      ))}
    </div>
  );
}
