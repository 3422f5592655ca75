import type { Metadata } from 'next';
import { redirect } from 'next/navigation';

import { devSignInAccounts } from '@openhouse/seed/dev-sign-in';
import { AppShell, SignInView } from '@openhouse/ui';

export const metadata: Metadata = { title: 'Sign in' };
export const dynamic = 'force-dynamic';

/** The dev sign-in, where it is enabled (`devSignInEnabled`); elsewhere the signed-out page says how to sign in. */
export default function SignInPage() {
  const accounts = devSignInAccounts('homeowner');
  if (!accounts) redirect('/signed-out');
  return (
    <AppShell product="Homeowners" nav={[]}>
      <SignInView users={accounts} />
    </AppShell>
  );
}
