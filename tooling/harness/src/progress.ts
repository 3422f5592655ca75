import { MultiBar, Presets, type SingleBar } from 'cli-progress';

/**
 * Progress of a run that takes minutes (`pnpm bench`, `pnpm load`, a large seed): on a terminal,
 * a bar with the step under way and the time left (cli-progress); otherwise — CI logs, a pipe —
 * one line per step, with the same estimate. Lines logged meanwhile go through `log`, so they
 * print above the bar instead of tearing it.
 */

export interface Progress {
  /** The number of steps, once known (again to change it); the clock starts at the first call. */
  start(total: number, label?: string): void;
  /** One step done (`units` of them); `label` names it (or the one now under way). */
  tick(label?: string, units?: number): void;
  /** A line of output: above the bar on a terminal, as is otherwise. */
  log(line: string): void;
  /** Removes the bar (idempotent); the caller's own summary follows. */
  stop(): void;
}

export interface ProgressOptions {
  /** Defaults to stderr, so that a tool's results on stdout stay clean. */
  stream?: NodeJS.WriteStream;
  /** A bar or lines; by default a bar exactly when the stream is a terminal (and not CI). */
  bar?: boolean;
  /** Where `log` writes when there is no bar; console.log by default. */
  write?: (line: string) => void;
  /** The clock, for tests. */
  now?: () => number;
}

/** `1h 02m`, `3m 07s`, `12s`: what a person reads at a glance. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Time left from the average pace so far; undefined before the first step is done. */
export function timeLeft(elapsedMs: number, done: number, total: number): number | undefined {
  if (done <= 0 || total <= 0) return undefined;
  return (elapsedMs / done) * Math.max(0, total - done);
}

export function createProgress(title: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  const useBar = options.bar ?? (Boolean(stream.isTTY) && !process.env.CI);
  const write = options.write ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => performance.now());
  let startedAt: number | undefined;
  let total = 0;
  let done = 0;
  let label = '';
  let multibar: MultiBar | undefined;
  let bar: SingleBar | undefined;

  const estimate = () => {
    const elapsed = now() - (startedAt ?? now());
    const left = timeLeft(elapsed, done, total);
    return `${formatDuration(elapsed)} elapsed${left === undefined ? '' : `, about ${formatDuration(left)} left`}`;
  };

  return {
    start(steps, first) {
      startedAt ??= now();
      total = steps;
      if (first !== undefined) label = first;
      if (!useBar) return;
      if (!multibar) {
        multibar = new MultiBar(
          {
            stream,
            format: `${title} {bar} {value}/{total} | {label} | {duration_formatted} elapsed, about {eta_formatted} left`,
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            // Redrawn every second even without a step done, so the elapsed time and estimate move.
            fps: 1,
            etaAsynchronousUpdate: true,
            noTTYOutput: false,
          },
          Presets.shades_classic,
        );
        bar = multibar.create(total, done, { label });
      } else {
        bar!.setTotal(total);
      }
    },
    tick(next, units = 1) {
      done += units;
      if (next !== undefined) label = next;
      if (bar) {
        bar.update(done, { label });
        return;
      }
      const percent = total > 0 ? ` (${Math.round((100 * done) / total)}%)` : '';
      write(`[${title}] ${done}/${total}${percent} ${label} — ${estimate()}`);
    },
    log(line) {
      if (multibar) multibar.log(`${line}\n`);
      else write(line);
    },
    stop() {
      multibar?.stop();
      multibar = undefined;
      bar = undefined;
    },
  };
}
