'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';

import { Empty, ErrorState, formatDate, Loading } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

import { DevelopmentSelect } from '../forms';

const inviteState = (invite: {
  usedAt: Date | string | null;
  revokedAt: Date | string | null;
  expiresAt: Date | string | null;
}) =>
  invite.usedAt
    ? `used ${formatDate(invite.usedAt)}`
    : invite.revokedAt
      ? `revoked ${formatDate(invite.revokedAt)}`
      : invite.expiresAt && new Date(invite.expiresAt) <= new Date()
        ? 'expired'
        : 'open';

/** One house's invite codes: issue a new one (shown once, only a hash is kept) or revoke an open one. */
function Invites({ houseId }: { houseId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const invites = useQuery(trpc.invites.list.queryOptions({ houseId }));
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.invites.list.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.developments.houses.pathKey() }),
    ]);
  const issue = useMutation(trpc.invites.create.mutationOptions({ onSuccess: refresh }));
  const revoke = useMutation(trpc.invites.revoke.mutationOptions({ onSuccess: refresh }));
  return (
    <div>
      <div className="oh-inline-form">
        <button
          type="button"
          disabled={issue.isPending}
          onClick={() => issue.mutate({ houseId, expiresInDays: 30 })}
        >
          {issue.isPending ? 'Issuing…' : 'Issue an invite code'}
        </button>
        {issue.data ? (
          <p role="status">
            New code (valid 30 days; shown only now): <strong className="oh-code">{issue.data.code}</strong>
          </p>
        ) : null}
      </div>
      {issue.isError ? <ErrorState error={issue.error} /> : null}
      {revoke.isError ? <ErrorState error={revoke.error} /> : null}
      {invites.isPending ? <Loading what="invite codes" /> : null}
      {invites.isError ? <ErrorState error={invites.error} retry={() => void invites.refetch()} /> : null}
      {invites.data?.length === 0 ? <Empty>No invite codes issued for this home.</Empty> : null}
      <ul>
        {invites.data?.map((invite) => (
          <li key={invite.id}>
            Code ending <span className="oh-code">{invite.codeHint}</span>, issued{' '}
            {formatDate(invite.createdAt)} — {inviteState(invite)}{' '}
            {inviteState(invite) === 'open' ? (
              <button
                type="button"
                className="oh-link-button"
                onClick={() => revoke.mutate({ id: invite.id })}
              >
                Revoke
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

function HousesTable({ developmentId }: { developmentId: string }) {
  const trpc = useTRPC();
  const houses = useQuery(trpc.developments.houses.queryOptions({ developmentId }));
  const [open, setOpen] = useState<string | null>(null);
  if (houses.isPending) return <Loading what="homes" />;
  if (houses.isError) return <ErrorState error={houses.error} retry={() => void houses.refetch()} />;
  if (houses.data.length === 0) return <Empty>This development has no homes yet.</Empty>;
  return (
    <table className="oh-table">
      <thead>
        <tr>
          <th scope="col">Plot</th>
          <th scope="col">Address</th>
          <th scope="col">Homeowner</th>
          <th scope="col">Onboarding</th>
          <th scope="col">Invites</th>
        </tr>
      </thead>
      <tbody>
        {houses.data.map((house) => (
          <Fragment key={house.id}>
            <tr>
              <td>{house.plotNumber}</td>
              <td>{house.address}</td>
              <td>{house.homeownerName ?? '—'}</td>
              <td>
                {house.completedSteps?.length === 3
                  ? 'done'
                  : `${house.completedSteps?.length ?? 0} of 3 steps`}
              </td>
              <td>
                <button
                  type="button"
                  className="oh-link-button"
                  aria-expanded={open === house.id}
                  onClick={() => setOpen(open === house.id ? null : house.id)}
                >
                  {house.openInvites} open
                </button>
              </td>
            </tr>
            {open === house.id ? (
              <tr>
                <td colSpan={5}>
                  <Invites houseId={house.id} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

export function HomesView() {
  const [developmentId, setDevelopmentId] = useState<string | null>(null);
  return (
    <>
      <div className="oh-form">
        <DevelopmentSelect onChange={setDevelopmentId} />
      </div>
      {developmentId ? <HousesTable developmentId={developmentId} /> : <Loading what="developments" />}
    </>
  );
}
