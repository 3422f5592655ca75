import type { Metadata } from 'next';

import { Shell } from '../shell';
import { OnboardingWizard } from './wizard';

export const metadata: Metadata = { title: 'Set up your home' };

export default function OnboardingPage() {
  return (
    <Shell>
      <h2>Set up your home</h2>
      <OnboardingWizard />
    </Shell>
  );
}
