import { HomeView } from './home';
import { Shell } from './shell';

export default function HomePage() {
  return (
    <Shell>
      <HomeView />
    </Shell>
  );
}
