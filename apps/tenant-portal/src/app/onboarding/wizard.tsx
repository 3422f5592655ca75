'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';

import { ErrorState, Loading, useTrack } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

const STEP_LABELS = {
  claim: 'Claim your home',
  profile: 'Your details',
  documents: 'Key documents',
} as const;
type Step = keyof typeof STEP_LABELS;

const text = (form: FormData, field: string) => String(form.get(field) ?? '');

/** Claim → profile → key documents → done, one step at a time, in the order the API enforces. */
export function OnboardingWizard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const track = useTrack();
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

  if (status.isPending) return <Loading what="your setup" />;
  if (status.isError) return <ErrorState error={status.error} retry={() => void status.refetch()} />;
  const { completedSteps, nextStep, keyDocuments } = status.data;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (nextStep === 'claim') complete.mutate({ step: 'claim', inviteCode: text(form, 'inviteCode') });
    if (nextStep === 'profile') {
      const channel = text(form, 'contactChannel') as 'email' | 'phone' | 'sms';
      complete.mutate({
        step: 'profile',
        displayName: text(form, 'displayName'),
        contactChannel: channel,
        contactPhone: text(form, 'contactPhone') || undefined,
      });
    }
    if (nextStep === 'documents') {
      complete.mutate({ step: 'documents', documentIds: form.getAll('documentIds').map(String) });
    }
  };

  return (
    <section aria-label="Set up your home">
      <ol className="oh-steps">
        {(Object.keys(STEP_LABELS) as Step[]).map((step) => (
          <li
            key={step}
            className={completedSteps.includes(step) ? 'oh-done' : undefined}
            aria-current={step === nextStep ? 'step' : undefined}
          >
            {completedSteps.includes(step) ? '✓ ' : ''}
            {STEP_LABELS[step]}
          </li>
        ))}
      </ol>
      {nextStep === null ? (
        <div className="oh-card" role="status">
          <h3>You’re all set</h3>
          <p>Your home is claimed and your details are saved.</p>
          <a href="/">Go to your home page</a>
        </div>
      ) : (
        <form key={nextStep} className="oh-form" onSubmit={submit} aria-label={STEP_LABELS[nextStep]}>
          <h3>{STEP_LABELS[nextStep]}</h3>
          {nextStep === 'claim' ? (
            <label>
              Invite code (from your developer, e.g. ABCD-EFGH-JKLM)
              <input name="inviteCode" required maxLength={40} autoComplete="off" />
            </label>
          ) : null}
          {nextStep === 'profile' ? (
            <>
              <label>
                Your name
                <input name="displayName" required maxLength={100} autoComplete="name" />
              </label>
              <label>
                How should we contact you?
                <select
                  name="contactChannel"
                  value={contactChannel}
                  onChange={(event) => setContactChannel(event.target.value)}
                >
                  <option value="email">Email</option>
                  <option value="phone">Phone call</option>
                  <option value="sms">Text message</option>
                </select>
              </label>
              {contactChannel !== 'email' ? (
                <label>
                  Phone number
                  <input name="contactPhone" required maxLength={30} type="tel" autoComplete="tel" />
                </label>
              ) : null}
            </>
          ) : null}
          {nextStep === 'documents' ? (
            <fieldset>
              <legend>Please read these documents, then tick each one.</legend>
              {keyDocuments.map((document) => (
                <label key={document.id} className="oh-check">
                  <input type="checkbox" name="documentIds" value={document.id} required />
                  <span>
                    I have read{' '}
                    <a href={`/documents/${document.id}`} target="_blank" rel="noreferrer">
                      {document.title}
                    </a>
                  </span>
                </label>
              ))}
            </fieldset>
          ) : null}
          <button type="submit" disabled={complete.isPending}>
            {complete.isPending ? 'Saving…' : 'Continue'}
          </button>
          {complete.isError ? <ErrorState error={complete.error} /> : null}
        </form>
      )}
    </section>
  );
}
