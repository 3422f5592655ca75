import type { Metadata } from 'next';
import type { ReactNode } from 'react';

import '@openhouse/ui/styles.css';
import { TRPCReactProvider } from '@openhouse/ui/trpc';

export const metadata: Metadata = { title: 'OpenHouse — Homeowners' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en-GB">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
