import { Teardown } from './teardown';

/** A bad command line: printed with the usage, exit code 2 (0 for --help). */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * Runs a command-line tool (`pnpm load`, `pnpm bench`) and exits with its code: `main` returns
 * the exit code, a {@link UsageError} prints the usage, anything else is a failure with its stack.
 * Whatever `main` started is torn down in every case, Ctrl-C included. Exits explicitly: nothing a
 * library left open keeps the process alive, and no library's exit hook turns a failed run into 0.
 */
export async function runTool(label: string, main: (teardown: Teardown) => Promise<number>): Promise<never> {
  let exitCode = 0;
  const teardown = new Teardown(label);
  try {
    teardown.exitOnSignals();
    exitCode = await main(teardown);
  } catch (error) {
    if (error instanceof UsageError) {
      (error.exitCode === 0 ? console.log : console.error)(error.message);
      exitCode = error.exitCode;
    } else if (!teardown.interrupted) {
      // After Ctrl-C, whatever was running fails because it is being torn down: not news.
      console.error(
        `[${label}] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      exitCode = 1;
    }
  } finally {
    await teardown.run();
  }
  process.exit(teardown.interruptedWith ?? exitCode);
}
