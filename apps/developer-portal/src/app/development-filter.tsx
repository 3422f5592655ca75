'use client';

import { useQuery } from '@tanstack/react-query';

import { useTRPC } from '@openhouse/ui/trpc';

/** "All developments" or one of the caller's; `''` means all. */
export function DevelopmentFilter({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const trpc = useTRPC();
  const developments = useQuery(trpc.developments.list.queryOptions());
  return (
    <label>
      Development
      <select value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">All developments</option>
        {developments.data?.map((development) => (
          <option key={development.id} value={development.id}>
            {development.name}
          </option>
        ))}
      </select>
    </label>
  );
}
