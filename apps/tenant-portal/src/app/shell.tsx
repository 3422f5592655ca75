import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';

import { AppShell, SessionProvider, WrongPortalView } from '@openhouse/ui';
import { readSession } from '@openhouse/ui/session';

const NAV = [
  { href: '/', label: 'Home' },
  { href: '/noticeboard', label: 'Noticeboard' },
  { href: '/documents', label: 'Documents' },
  { href: '/assistant', label: 'Assistant' },
  { href: '/chat', label: 'Chat' },
];

/**
 * Every signed-in page of the homeowners' portal. The session is checked here, on the server,
 * before anything renders: no session goes to the signed-out page, and a staff account is told
 * this portal is not theirs instead of meeting a portal whose every call answers 403.
 */
export async function Shell({ children }: { children: ReactNode }) {
  const session = await readSession();
  if (!session) redirect('/signed-out');
  if (session.app_role !== 'homeowner') {
    return (
      <AppShell product="Homeowners" nav={[]}>
        <WrongPortalView portal="homeowners" account="developer staff" otherPortal="developer portal" />
      </AppShell>
    );
  }
  return (
    <SessionProvider session={{ userId: session.sub, role: 'homeowner' }}>
      <AppShell product="Homeowners" nav={NAV}>
        {children}
      </AppShell>
    </SessionProvider>
  );
}
