'use client';

import { useState } from 'react';

import { ChatThreadList } from '@openhouse/ui';

import { DevelopmentFilter } from '../development-filter';

/** The tenant's support threads, or one development's. */
export function InboxView() {
  const [developmentId, setDevelopmentId] = useState('');
  return (
    <>
      <div className="oh-form">
        <DevelopmentFilter value={developmentId} onChange={setDevelopmentId} />
      </div>
      <ChatThreadList basePath="/inbox" developmentId={developmentId || undefined} />
    </>
  );
}
