import { Shell } from '../shell';
import { OnboardingWizard } from './wizard';

export default function OnboardingPage() {
  return (
    <Shell>
      <h2>Set up your home</h2>
      <OnboardingWizard />
    </Shell>
  );
}
