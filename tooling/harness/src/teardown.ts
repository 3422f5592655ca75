/**
 * Everything a tool starts — Postgres, a database, a portal, PgBouncer, the Sentry receiver, a
 * pool sampler — registers how to undo it here; it is undone in reverse order on success, on
 * failure and on Ctrl-C, so a run never leaves a server or a temp directory behind.
 */

type Step = { name: string; undo: () => Promise<unknown> | unknown };

/** Longest a single undo step may take before the next one runs anyway. */
const STEP_TIMEOUT_MS = 20_000;

export class Teardown {
  private steps: Step[] = [];
  private running: Promise<void> | undefined;
  /** Set on SIGINT/SIGTERM to the exit code: what fails after this failed because it is being torn down. */
  interruptedWith: number | undefined;

  /** `label` prefixes this teardown's messages: `[load] could not stop PgBouncer: …`. */
  constructor(private readonly label: string) {}

  get interrupted(): boolean {
    return this.interruptedWith !== undefined;
  }

  /**
   * Registers `undo`; returns a function that runs it now (and forgets it) instead of at the end —
   * e.g. a portal stopped after its scale's suites, before the next scale's starts.
   */
  defer(name: string, undo: Step['undo']): () => Promise<void> {
    const step = { name, undo };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await this.runStep(step);
    };
  }

  /** Undoes every registered step, newest first; one failing step does not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) await this.runStep(this.steps.pop()!);
    })();
    return this.running;
  }

  /**
   * On SIGINT/SIGTERM: tear down, then exit with the conventional 128 + signal number. A second
   * signal exits at once. (The embedded Postgres package also stops its server on these signals;
   * stopping twice is harmless.)
   */
  exitOnSignals(): void {
    const onSignal = (signal: NodeJS.Signals, code: number) => {
      if (this.interrupted) process.exit(code);
      this.interruptedWith = code;
      console.error(`\n[${this.label}] ${signal}: stopping everything that was started`);
      // The server is being stopped under running requests. A client checked out without an
      // 'error' listener (Drizzle's transaction in the bench's way (c) does that) would crash the
      // process before the temp directory is gone; we are exiting anyway, so say so and carry on.
      process.on('uncaughtException', (error) =>
        console.error(`[${this.label}] while stopping: ${(error as Error).message}`),
      );
      void this.run().finally(() => process.exit(code));
    };
    process.on('SIGINT', () => onSignal('SIGINT', 130));
    process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  }

  /** One undo step, bounded in time; its failure is reported, not thrown, so the others still run. */
  private async runStep(step: Step): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        step.undo(),
        new Promise((resolve) => (timer = setTimeout(resolve, STEP_TIMEOUT_MS))),
      ]);
    } catch (error) {
      console.error(`[${this.label}] could not ${step.name}: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
