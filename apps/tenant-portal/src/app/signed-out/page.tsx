import type { Metadata } from 'next';

import { devSignInAccounts } from '@openhouse/seed/dev-sign-in';
import { AppShell, SignedOutView } from '@openhouse/ui';

export const metadata: Metadata = { title: 'Signed out' };
export const dynamic = 'force-dynamic';

/** Where sign-out and a visit without a session land. */
export default function SignedOutPage() {
  return (
    <AppShell product="Homeowners" nav={[]}>
      <SignedOutView
        portal="homeowners’ portal"
        signInHref={devSignInAccounts('homeowner') ? '/sign-in' : null}
      />
    </AppShell>
  );
}
