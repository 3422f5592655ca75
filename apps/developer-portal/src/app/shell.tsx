import type { ReactNode } from 'react';

import { AppShell } from '@openhouse/ui';

const NAV = [
  { href: '/developments', label: 'Homes' },
  { href: '/noticeboard', label: 'Noticeboard' },
  { href: '/documents', label: 'Documents' },
  { href: '/inbox', label: 'Inbox' },
  { href: '/analytics', label: 'Analytics' },
  { href: '/operations', label: 'Operations' },
];

export function Shell({ children }: { children: ReactNode }) {
  return (
    <AppShell product="Developers" nav={NAV}>
      {children}
    </AppShell>
  );
}
