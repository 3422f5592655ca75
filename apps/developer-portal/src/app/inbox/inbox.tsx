'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';

import { ChatThreadList } from '@openhouse/ui';
import { useTRPC } from '@openhouse/ui/trpc';

/** The tenant's support threads, or one development's. */
export function InboxView() {
  const trpc = useTRPC();
  const developments = useQuery(trpc.developments.list.queryOptions());
  const [developmentId, setDevelopmentId] = useState('');
  return (
    <>
      <div className="oh-form">
        <label>
          Development
          <select value={developmentId} onChange={(event) => setDevelopmentId(event.target.value)}>
            <option value="">All developments</option>
            {developments.data?.map((development) => (
              <option key={development.id} value={development.id}>
                {development.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ChatThreadList basePath="/inbox" developmentId={developmentId || undefined} />
    </>
  );
}
