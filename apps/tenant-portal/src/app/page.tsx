import type { Metadata } from 'next';
import { Suspense } from 'react';

import { HomeView } from './home';
import { Shell } from './shell';

export const metadata: Metadata = { title: 'Home' };

export default function HomePage() {
  return (
    <Shell>
      <Suspense>
        <HomeView />
      </Suspense>
    </Shell>
  );
}
