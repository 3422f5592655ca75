// Preloaded into `next start` by bench/profile-http.ts (NODE_OPTIONS=--import …; Node 20 refuses
// --cpu-prof there). SIGUSR2 starts V8's CPU profiler (what --cpu-prof uses), the next SIGUSR2
// stops it and writes <pid>.cpuprofile, so the profile covers the load and nothing else. Not at
// exit: a drain can hold the process for its whole grace period first.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', {
    interval: Number(process.env.BENCH_CPU_PROFILE_INTERVAL_US ?? 100),
  });
  let running = false;
  process.on('SIGUSR2', () => {
    if (!running) {
      session.post('Profiler.start');
      running = true;
      return;
    }
    running = false;
    session.post('Profiler.stop', (error, result) => {
      const file = path.join(dir, `${process.pid}.cpuprofile`);
      if (error) console.error(`[cpu-profile] ${error.message}`);
      else writeFileSync(file, JSON.stringify(result.profile));
      // Written whole before the marker, so the reader never sees half a file.
      writeFileSync(`${file}.done`, '');
    });
  });
}
