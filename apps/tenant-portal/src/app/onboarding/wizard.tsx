'use client';

import Link from 'next/link';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';

import { ONBOARDING_STEPS } from '@openhouse/api/limits';
import {
  ErrorState,
  Field,
  FormProblem,
  Loading,
  useFocusOnError,
  useHumanError,
  useTrack,
  type ErrorCopy,
} from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

const STEP_LABELS = {
  claim: 'Claim your home',
  profile: 'Your details',
  documents: 'Key documents',
} as const;
type Step = keyof typeof STEP_LABELS;

const text = (form: FormData, field: string) => String(form.get(field) ?? '');

/** What a person is told when a value is refused, per field (never the validator's wording). */
const COPY: ErrorCopy = {
  fields: {
    inviteCode: 'Enter the invite code from your developer, for example ABCD-EFGH-JKLM.',
    displayName: 'Enter your name, up to 100 characters.',
    contactChannel: 'Choose how we should contact you.',
    contactPhone: 'Enter a phone number using digits, spaces and + ( ) - only.',
    documentIds: 'Tick each document once you have read it.',
  },
};

/** Claim → profile → key documents → done, one step at a time, in the order the API enforces. */
export function OnboardingWizard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const track = useTrack();
  const form = useRef<HTMLFormElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const status = useQuery(trpc.onboarding.status.queryOptions());
  const [contactChannel, setContactChannel] = useState('email');
  const complete = useMutation(
    trpc.onboarding.completeStep.mutationOptions({
      onSuccess: (result) => {
        track('onboarding.step', { step: result.step });
        queryClient.setQueryData(trpc.onboarding.status.queryKey(), result.status);
      },
    }),
  );
  const error = useHumanError(complete.error, COPY);
  useFocusOnError(form, error);

  // After a step is done, focus moves to the next step's heading: a screen reader announces it
  // and the keyboard continues from there, not from the top of the page.
  const nextStep = status.data?.nextStep;
  const previousStep = useRef<typeof nextStep>(undefined);
  useEffect(() => {
    if (previousStep.current !== undefined && previousStep.current !== nextStep) heading.current?.focus();
    previousStep.current = nextStep;
  }, [nextStep]);

  if (status.isPending) return <Loading what="your setup" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const { completedSteps, keyDocuments } = status.data;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    if (nextStep === 'claim') complete.mutate({ step: 'claim', inviteCode: text(data, 'inviteCode') });
    if (nextStep === 'profile') {
      const channel = text(data, 'contactChannel') as 'email' | 'phone' | 'sms';
      complete.mutate({
        step: 'profile',
        displayName: text(data, 'displayName'),
        contactChannel: channel,
        contactPhone: text(data, 'contactPhone') || undefined,
      });
    }
    if (nextStep === 'documents') {
      complete.mutate({ step: 'documents', documentIds: data.getAll('documentIds').map(String) });
    }
  };

  return (
    <section aria-label="Set up your home">
      <ol className="oh-steps" aria-label="Steps">
        {(Object.keys(STEP_LABELS) as Step[]).map((step) => (
          <li
            key={step}
            className={completedSteps.includes(step) ? 'oh-done' : undefined}
            aria-current={step === nextStep ? 'step' : undefined}
          >
            {completedSteps.includes(step) ? (
              <>
                <span aria-hidden="true">✓ </span>
                <span className="oh-visually-hidden">Done: </span>
              </>
            ) : null}
            {STEP_LABELS[step]}
          </li>
        ))}
      </ol>
      {nextStep === null || nextStep === undefined ? (
        <div className="oh-card" role="status">
          <h3 ref={heading} tabIndex={-1}>
            You’re all set
          </h3>
          <p>Your home is claimed and your details are saved.</p>
          <Link href="/">Go to your home page</Link>
        </div>
      ) : (
        <form
          ref={form}
          key={nextStep}
          className="oh-form"
          onSubmit={submit}
          aria-labelledby="oh-step-heading"
        >
          <h3 id="oh-step-heading" ref={heading} tabIndex={-1}>
            Step {completedSteps.length + 1} of {ONBOARDING_STEPS.length}: {STEP_LABELS[nextStep]}
          </h3>
          {nextStep === 'claim' ? (
            <Field
              label="Invite code"
              hint="From your developer, for example ABCD-EFGH-JKLM."
              error={error?.fields.inviteCode}
            >
              <input name="inviteCode" required maxLength={40} autoComplete="off" spellCheck={false} />
            </Field>
          ) : null}
          {nextStep === 'profile' ? (
            <>
              <Field label="Your name" error={error?.fields.displayName}>
                <input name="displayName" required maxLength={100} autoComplete="name" />
              </Field>
              <Field label="How should we contact you?" error={error?.fields.contactChannel}>
                <select
                  name="contactChannel"
                  value={contactChannel}
                  onChange={(event) => setContactChannel(event.target.value)}
                >
                  <option value="email">Email</option>
                  <option value="phone">Phone call</option>
                  <option value="sms">Text message</option>
                </select>
              </Field>
              {contactChannel !== 'email' ? (
                <Field label="Phone number" error={error?.fields.contactPhone}>
                  <input name="contactPhone" required maxLength={30} type="tel" autoComplete="tel" />
                </Field>
              ) : null}
            </>
          ) : null}
          {nextStep === 'documents' ? (
            <fieldset aria-describedby={error?.fields.documentIds ? 'oh-documents-error' : undefined}>
              <legend>Please read these documents, then tick each one.</legend>
              {keyDocuments.map((document) => (
                <label key={document.id} className="oh-check">
                  <input type="checkbox" name="documentIds" value={document.id} required />
                  <span>
                    I have read{' '}
                    <a href={`/documents/${document.id}`} target="_blank" rel="noreferrer">
                      {document.title}
                      <span className="oh-visually-hidden"> (opens in a new tab)</span>
                    </a>
                  </span>
                </label>
              ))}
              {error?.fields.documentIds ? (
                <p id="oh-documents-error" className="oh-field-error" role="alert">
                  {error.fields.documentIds}
                </p>
              ) : null}
            </fieldset>
          ) : null}
          <FormProblem
            error={error}
            shown={['inviteCode', 'displayName', 'contactChannel', 'contactPhone', 'documentIds']}
          />
          <div className="oh-actions">
            <button type="submit" disabled={complete.isPending}>
              {complete.isPending ? 'Saving…' : 'Continue'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
