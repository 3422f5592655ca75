import { driveSuite, type DriveResult } from './drive';
import type { LoadHomeowner } from './homeowners';
import { browseSuite } from './loadtest-browse';
import type { LoadSuite } from './suite';

/**
 * One side of `pnpm load --profile noisy`, run in a process of its own (`noisy.ts` forks it), so
 * that the flooding tenant's load generator and the light tenant's do not share an event loop: a
 * light request's measured time is then the portal's, not the other driver's backlog.
 */

export interface NoisyDriveRequest {
  urls: string[];
  homeowners: LoadHomeowner[];
  connections: number;
  seconds: number;
}

process.once('message', (request: NoisyDriveRequest) => {
  void driveSuite({ ...request, suite: browseSuite as LoadSuite<never>, progressBar: false }).then(
    (result: DriveResult) => process.send!(result, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
