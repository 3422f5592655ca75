import { AppShell } from '@openhouse/ui';

export default function NotFound() {
  return (
    <AppShell product="Homeowners" nav={[]}>
      <section className="oh-card oh-narrow">
        <h2>We could not find that page</h2>
        <p>The link may be wrong, or the page may have moved.</p>
        <p>
          <a className="oh-button" href="/">
            Go to your home page
          </a>
        </p>
      </section>
    </AppShell>
  );
}
