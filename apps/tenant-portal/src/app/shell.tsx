import type { ReactNode } from 'react';

import { AppShell } from '@openhouse/ui';

const NAV = [
  { href: '/noticeboard', label: 'Noticeboard' },
  { href: '/documents', label: 'Documents' },
];

export function Shell({ children }: { children: ReactNode }) {
  return (
    <AppShell product="Homeowners" nav={NAV}>
      {children}
    </AppShell>
  );
}
