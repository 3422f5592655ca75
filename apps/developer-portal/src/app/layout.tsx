import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';

import '@openhouse/ui/styles.css';
import { TRPCReactProvider } from '@openhouse/ui/trpc';

export const metadata: Metadata = {
  title: { default: 'OpenHouse — Developers', template: '%s — OpenHouse Developers' },
  description: 'Homes, notices, documents and support for your developments.',
};

export const viewport: Viewport = { width: 'device-width', initialScale: 1, themeColor: '#1f6f5c' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en-GB">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
