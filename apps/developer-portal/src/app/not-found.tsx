import { AppShell } from '@openhouse/ui';

export default function NotFound() {
  return (
    <AppShell product="Developers" nav={[]}>
      <section className="oh-card oh-narrow">
        <h2>We could not find that page</h2>
        <p>The link may be wrong, or the page may have moved.</p>
        <p>
          <a className="oh-button" href="/">
            Go to the noticeboard
          </a>
        </p>
      </section>
    </AppShell>
  );
}
