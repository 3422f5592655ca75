import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createProgress, formatDuration, timeLeft } from '@openhouse/harness/progress';

/** `pnpm bench`, `pnpm load` and a large seed report progress: a line per step when not on a terminal. */
describe('progress', () => {
  it('prints one line per step with the time left from the pace so far, when not on a terminal', () => {
    const lines: string[] = [];
    let now = 0;
    const progress = createProgress('seed large', {
      stream: new PassThrough() as unknown as NodeJS.WriteStream,
      write: (line) => lines.push(line),
      now: () => now,
    });
    progress.start(4, 'notices');
    now = 10_000;
    progress.tick('notices');
    progress.log('notices: 100 rows');
    now = 30_000;
    progress.tick('documents');
    progress.stop();
    expect(lines).toEqual([
      '[seed large] 1/4 (25%) notices — 10s elapsed, about 30s left',
      'notices: 100 rows',
      '[seed large] 2/4 (50%) documents — 30s elapsed, about 30s left',
    ]);
  });

  it('reads durations at a glance', () => {
    expect(formatDuration(12_400)).toBe('12s');
    expect(formatDuration(187_000)).toBe('3m 07s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(timeLeft(10_000, 0, 4)).toBeUndefined();
    expect(timeLeft(10_000, 1, 4)).toBe(30_000);
  });
});
