import { notFound } from 'next/navigation';

import { devSignInAccounts } from '@openhouse/api/server';
import { AppShell, SignInView } from '@openhouse/ui';

export const dynamic = 'force-dynamic';

export default function SignInPage() {
  const accounts = devSignInAccounts('homeowner');
  if (!accounts) notFound();
  return (
    <AppShell product="Homeowners" nav={[]}>
      <SignInView users={accounts} />
    </AppShell>
  );
}
