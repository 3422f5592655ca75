import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';

import { AppShell, SessionProvider, WrongPortalView } from '@openhouse/ui';
import { readSession } from '@openhouse/ui/session';

const NAV = [
  { href: '/developments', label: 'Homes' },
  { href: '/noticeboard', label: 'Noticeboard' },
  { href: '/documents', label: 'Documents' },
  { href: '/inbox', label: 'Inbox' },
  { href: '/analytics', label: 'Analytics' },
  { href: '/operations', label: 'Operations' },
];

/**
 * Every page of the developer portal. The session is checked on the server before anything
 * renders: no session goes to the signed-out page, and a homeowner is refused up front (the API
 * refuses them too) instead of seeing the staff interface and learning only on submit.
 */
export async function Shell({ children }: { children: ReactNode }) {
  const session = await readSession();
  if (!session) redirect('/signed-out');
  if (session.app_role !== 'developer') {
    return (
      <AppShell product="Developers" nav={[]}>
        <WrongPortalView portal="developer staff" account="homeowner" otherPortal="homeowners’ portal" />
      </AppShell>
    );
  }
  return (
    <SessionProvider session={{ userId: session.sub, role: 'developer' }}>
      <AppShell product="Developers" nav={NAV}>
        {children}
      </AppShell>
    </SessionProvider>
  );
}
