/**
 * Everything a load run starts — Postgres, a database, the portal, the Sentry receiver, the pool
 * sampler — registers how to undo it here; it is undone in reverse order on success, on failure
 * and on Ctrl-C, so a run never leaves a server or a temp directory behind.
 */

type Step = { name: string; undo: () => Promise<unknown> | unknown };

/** Longest a single undo step may take before the next one runs anyway. */
const STEP_TIMEOUT_MS = 20_000;

export class Teardown {
  private steps: Step[] = [];
  private running: Promise<void> | undefined;
  /** Set on SIGINT/SIGTERM: what fails after this failed because it is being torn down. */
  interruptedWith: number | undefined;

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
      await runStep(step);
    };
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) await runStep(this.steps.pop()!);
    })();
    return this.running;
  }

  /** Ctrl-C or SIGTERM: undo everything, then exit with the conventional 128 + signal number. */
  exitOnSignals(): void {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 143],
    ] as const) {
      process.once(signal, () => {
        this.interruptedWith = code;
        console.error(`\n[load] ${signal}: stopping everything that was started`);
        void this.run().finally(() => process.exit(code));
      });
    }
  }
}

/** One undo step, bounded in time; its failure is reported, not thrown, so the others still run. */
async function runStep(step: Step): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      step.undo(),
      new Promise((resolve) => (timer = setTimeout(resolve, STEP_TIMEOUT_MS))),
    ]);
  } catch (error) {
    console.error(`[load] could not ${step.name}: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}
