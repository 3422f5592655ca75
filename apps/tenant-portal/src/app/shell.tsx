import type { ReactNode } from 'react';

import { AppShell } from '@openhouse/ui';

const NAV = [
  { href: '/', label: 'Home' },
  { href: '/noticeboard', label: 'Noticeboard' },
  { href: '/documents', label: 'Documents' },
  { href: '/assistant', label: 'Assistant' },
  { href: '/chat', label: 'Chat' },
];

export function Shell({ children }: { children: ReactNode }) {
  return (
    <AppShell product="Homeowners" nav={NAV}>
      {children}
    </AppShell>
  );
}
