/**
 * Everything the bench starts — a Postgres server, a database, pools, a Next.js server, pgbench —
 * registers how to undo it here, and it is undone in reverse order on success, on failure and
 * on Ctrl-C, so a run never leaves a server or a temp directory behind.
 */

type Step = { name: string; undo: () => Promise<unknown> | unknown };

export class Teardown {
  private steps: Step[] = [];
  private running: Promise<void> | undefined;
  /** Set on SIGINT/SIGTERM to the exit code: what fails after this failed because it is being torn down. */
  interruptedWith: number | undefined;

  get interrupted(): boolean {
    return this.interruptedWith !== undefined;
  }

  /** Registers `undo`; returns a function that runs it now (and forgets it) instead of at the end. */
  defer(name: string, undo: Step['undo']): () => Promise<void> {
    const step = { name, undo };
    this.steps.push(step);
    return async () => {
      const index = this.steps.indexOf(step);
      if (index < 0) return;
      this.steps.splice(index, 1);
      await undo();
    };
  }

  /** Undoes every registered step, newest first; one failing step does not stop the others. */
  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.undo();
        } catch (error) {
          console.error(`[bench] cleanup: ${step.name} failed: ${(error as Error).message}`);
        }
      }
    })();
    return this.running;
  }

  /**
   * On SIGINT/SIGTERM: tear down, then exit 130/143. A second signal exits at once. (The embedded
   * Postgres package also stops its server on these signals; stopping twice is harmless.)
   */
  exitOnSignals(): void {
    const onSignal = (signal: NodeJS.Signals, code: number) => {
      if (this.interrupted) process.exit(code);
      this.interruptedWith = code;
      console.error(`\n[bench] ${signal}: stopping what the bench started…`);
      // The server is being stopped under running requests. A client checked out without an
      // 'error' listener (Drizzle's transaction in way (c) does that) would crash the process
      // before the temp directory is gone; we are exiting anyway, so say so and carry on.
      process.on('uncaughtException', (error) =>
        console.error(`[bench] while stopping: ${(error as Error).message}`),
      );
      void this.run().finally(() => process.exit(code));
    };
    process.on('SIGINT', () => onSignal('SIGINT', 130));
    process.on('SIGTERM', () => onSignal('SIGTERM', 143));
  }
}
