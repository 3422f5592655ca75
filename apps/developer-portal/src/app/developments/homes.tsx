'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';

import { ONBOARDING_STEPS } from '@openhouse/api/limits';
import {
  CONTACT_CHANNELS,
  DateText,
  Empty,
  ErrorState,
  humanError,
  errorText,
  Loading,
  useUrlState,
} from '@openhouse/ui';
import { useTRPC, type RouterOutputs } from '@openhouse/ui/trpc';

import { DevelopmentPicker } from '../forms';

type House = RouterOutputs['developments']['houses'][number];
type Invite = RouterOutputs['invites']['list'][number];

const inviteState = (invite: Invite) =>
  invite.usedAt
    ? { open: false, text: 'used', at: invite.usedAt }
    : invite.revokedAt
      ? { open: false, text: 'revoked', at: invite.revokedAt }
      : invite.expiresAt && new Date(invite.expiresAt) <= new Date()
        ? { open: false, text: 'expired', at: invite.expiresAt }
        : { open: true, text: 'open', at: invite.expiresAt };

/** Copies the code, saying so; where the clipboard is not allowed, selects it for Ctrl+C. */
function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  return (
    <span className="oh-actions">
      <button
        type="button"
        className="oh-secondary"
        onClick={() =>
          navigator.clipboard.writeText(text).then(
            () => setCopied('yes'),
            () => setCopied('no'),
          )
        }
      >
        {label}
      </button>
      <span role="status" className="oh-meta">
        {copied === 'yes'
          ? 'Copied.'
          : copied === 'no'
            ? 'Copying was blocked: select the code and copy it.'
            : ''}
      </span>
    </span>
  );
}

/**
 * One house's invite codes: issue a new one (shown once: only a hash is kept, so it can be copied
 * now and never again) or revoke an open one after confirming.
 */
function Invites({ house }: { house: House }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const invites = useQuery(trpc.invites.list.queryOptions({ houseId: house.id }));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.invites.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.developments.houses.pathKey() }),
    ]);
  const issue = useMutation(trpc.invites.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(
    trpc.invites.revoke.mutationOptions({
      onSuccess: async (result) => {
        setConfirming(null);
        // The new-code banner must not go on showing a code that no longer works.
        if (issue.data && issue.data.id === result.id) issue.reset();
        await refresh();
      },
    }),
  );
  const plot = `plot ${house.plotNumber}`;
  return (
    <div className="oh-invites" aria-label={`Invite codes for ${plot}`} role="region">
      {house.claimed ? (
        <p className="oh-meta">
          {house.homeownerName ?? 'The homeowner'} has claimed this home. Issue a new code only if the home
          changes hands.
        </p>
      ) : null}
      <div className="oh-actions">
        <button
          type="button"
          disabled={issue.isPending}
          onClick={() => issue.mutate({ houseId: house.id, expiresInDays: 30 })}
        >
          {issue.isPending ? 'Issuing…' : `Issue a code for ${plot}`}
        </button>
      </div>
      {issue.data ? (
        <div className="oh-new-code" role="status">
          <p>
            New code for plot {issue.data.house.plotNumber}, {issue.data.house.address}. It is valid for 30
            days and shown only now:
          </p>
          <p>
            <strong className="oh-code">{issue.data.code}</strong>
          </p>
          <CopyButton text={issue.data.code} label="Copy code" />
        </div>
      ) : null}
      {issue.isError ? (
        <p className="oh-field-error" role="alert">
          {errorText(humanError(issue.error))}
        </p>
      ) : null}
      {revoke.isError ? (
        <p className="oh-field-error" role="alert">
          {errorText(humanError(revoke.error))}
        </p>
      ) : null}
      {revoke.isSuccess && !confirming ? (
        <p className="oh-meta" role="status">
          Code ending {revoke.data.codeHint} revoked: it can no longer be used.
        </p>
      ) : null}
      {invites.isPending ? <Loading what="invite codes" /> : null}
      {invites.isError ? <ErrorState error={invites.error} retry={() => void invites.refetch()} /> : null}
      {invites.data?.length === 0 ? <Empty>No invite codes issued for this home.</Empty> : null}
      {invites.data && invites.data.length > 0 ? (
        <ul aria-label={`Codes issued for ${plot}`}>
          {invites.data.map((invite) => {
            const state = inviteState(invite);
            return (
              <li key={invite.id}>
                <span>
                  Code ending <span className="oh-code">{invite.codeHint}</span>, issued{' '}
                  <DateText value={invite.createdAt} /> — <strong>{state.text}</strong>
                  {state.at ? (
                    <>
                      {' '}
                      {state.open ? 'until' : ''} <DateText value={state.at} />
                    </>
                  ) : null}
                </span>
                {state.open && confirming !== invite.id ? (
                  <button type="button" className="oh-link-button" onClick={() => setConfirming(invite.id)}>
                    Revoke
                    <span className="oh-visually-hidden"> the code ending {invite.codeHint}</span>
                  </button>
                ) : null}
                {confirming === invite.id ? (
                  <span className="oh-confirm" role="group" aria-label="Confirm revoking">
                    Revoke the code ending {invite.codeHint}? Nobody will be able to claim the home with it.{' '}
                    <span className="oh-actions">
                      <button
                        type="button"
                        className="oh-danger"
                        disabled={revoke.isPending}
                        onClick={() => revoke.mutate({ id: invite.id })}
                      >
                        {revoke.isPending ? 'Revoking…' : 'Yes, revoke it'}
                      </button>
                      <button type="button" className="oh-secondary" onClick={() => setConfirming(null)}>
                        Keep it
                      </button>
                    </span>
                  </span>
                ) : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

function onboardingText(house: House) {
  const done = house.completedSteps?.length ?? 0;
  if (!house.homeownerName) return '—';
  return done === ONBOARDING_STEPS.length ? 'Done' : `${done} of ${ONBOARDING_STEPS.length} steps`;
}

function invitesLabel(house: House) {
  if (house.claimed) return house.openInvites > 0 ? `Claimed · ${house.openInvites} unused code` : 'Claimed';
  return house.openInvites === 0
    ? 'No open code'
    : `${house.openInvites} open ${house.openInvites === 1 ? 'code' : 'codes'}`;
}

function HousesTable({ developmentId }: { developmentId: string }) {
  const trpc = useTRPC();
  const houses = useQuery(trpc.developments.houses.queryOptions({ developmentId }));
  const [open, setOpen] = useState<string | null>(null);
  if (houses.isPending) return <Loading what="homes" />;
  if (houses.isError) return <ErrorState error={houses.error} retry={() => void houses.refetch()} />;
  if (houses.data.length === 0) return <Empty>This development has no homes yet.</Empty>;
  return (
    <table className="oh-table oh-homes">
      <caption className="oh-visually-hidden">Homes, their homeowners and invite codes</caption>
      <thead>
        <tr>
          <th scope="col">Plot</th>
          <th scope="col">Address</th>
          <th scope="col">Homeowner</th>
          <th scope="col">Onboarding</th>
          <th scope="col">Invite codes</th>
        </tr>
      </thead>
      <tbody>
        {houses.data.map((house) => (
          <Fragment key={house.id}>
            <tr className={open === house.id ? 'oh-homes-row-open' : undefined}>
              <td data-label="Plot">{house.plotNumber}</td>
              <td data-label="Address">{house.address}</td>
              <td data-label="Homeowner">
                {house.homeownerName ?? '—'}
                {house.homeownerName && house.contactChannel && house.completedSteps?.includes('profile') ? (
                  <span className="oh-meta">
                    {' '}
                    · prefers {(CONTACT_CHANNELS[house.contactChannel] ?? house.contactChannel).toLowerCase()}
                  </span>
                ) : null}
              </td>
              <td data-label="Onboarding">{onboardingText(house)}</td>
              <td data-label="Invite codes">
                <button
                  type="button"
                  className="oh-secondary"
                  aria-expanded={open === house.id}
                  aria-controls={`invites-${house.id}`}
                  onClick={() => setOpen(open === house.id ? null : house.id)}
                >
                  {invitesLabel(house)}
                  <span className="oh-visually-hidden"> — manage codes for plot {house.plotNumber}</span>
                </button>
              </td>
            </tr>
            {open === house.id ? (
              <tr id={`invites-${house.id}`}>
                <td colSpan={5} data-label="">
                  <Invites house={house} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** Homes of one development (kept in the URL), with their invite codes. */
export function HomesView() {
  const trpc = useTRPC();
  const url = useUrlState();
  const developments = useQuery(trpc.developments.list.queryOptions());
  const chosen = url.get('development');
  const developmentId =
    developments.data?.find((d) => d.id === chosen)?.id ?? developments.data?.[0]?.id ?? '';
  if (developments.isError) {
    return <ErrorState error={developments.error} retry={() => void developments.refetch()} />;
  }
  return (
    <>
      <div className="oh-toolbar">
        <DevelopmentPicker
          developments={developments.data}
          value={developmentId}
          onChange={(id) => url.set({ development: id })}
        />
      </div>
      {developmentId ? <HousesTable developmentId={developmentId} /> : <Loading what="developments" />}
    </>
  );
}
