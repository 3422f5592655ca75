import { notFound } from 'next/navigation';

import { seedData } from '@openhouse/db/seed-data';
import { AppShell, SignInView } from '@openhouse/ui';

export const dynamic = 'force-dynamic';

export default function SignInPage() {
  if (process.env.NODE_ENV === 'production') notFound();
  const developments = new Map(seedData.developments.map((d) => [d.id, d.name]));
  const tenants = new Map(seedData.tenants.map((t) => [t.tenantId, t.name]));
  const users = seedData.users
    .filter((user) => user.appRole === 'developer')
    .map((user) => ({
      email: user.email,
      displayName: user.displayName,
      detail: [
        tenants.get(user.tenantId),
        user.developmentId ? developments.get(user.developmentId) : 'all developments',
      ]
        .filter(Boolean)
        .join(' · '),
    }));
  return (
    <AppShell product="Developers" nav={[]}>
      <SignInView users={users} />
    </AppShell>
  );
}
