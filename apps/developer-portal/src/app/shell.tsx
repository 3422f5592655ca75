import type { ReactNode } from 'react';

import { AppShell } from '@openhouse/ui';

const NAV = [
  { href: '/noticeboard', label: 'Noticeboard' },
  { href: '/documents', label: 'Documents' },
  { href: '/operations', label: 'Operations' },
];

export function Shell({ children }: { children: ReactNode }) {
  return (
    <AppShell product="Developers" nav={NAV}>
      {children}
    </AppShell>
  );
}
