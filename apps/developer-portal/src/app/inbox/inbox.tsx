'use client';

import { ChatThreadList, FilterField, useDevelopmentFilter, useUrlState } from '@openhouse/ui';

/** The tenant's support threads, or one development's (kept in the URL). */
export function InboxView() {
  const url = useUrlState();
  const developmentFilter = useDevelopmentFilter();
  const developmentId = url.get('development') || undefined;
  return (
    <>
      {developmentFilter ? (
        <div className="oh-toolbar">
          <FilterField
            select={developmentFilter}
            value={url.get('development')}
            onChange={(development) => url.set({ development })}
          />
        </div>
      ) : null}
      <ChatThreadList basePath="/inbox" developmentId={developmentId} viewer="staff" />
    </>
  );
}
