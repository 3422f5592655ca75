import { notFound } from 'next/navigation';

import { devSignInAccounts } from '@openhouse/api/server';
import { AppShell, SignInView } from '@openhouse/ui';

export const dynamic = 'force-dynamic';

export default function SignInPage() {
  const accounts = devSignInAccounts('developer');
  if (!accounts) notFound();
  return (
    <AppShell product="Developers" nav={[]}>
      <SignInView users={accounts} />
    </AppShell>
  );
}
