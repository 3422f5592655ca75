import { developerPhasedProcedure } from '../procedures';
import { failureCounts, recentFailures } from '../metrics';
import { router } from '../trpc';

export const operationsRouter = router({
  /**
   * The serving process's pool right now, with its recent failures by kind and route. Staff only;
   * it reads process memory, so it holds no connection and works while the database is down.
   */
  pool: developerPhasedProcedure.query(({ ctx }) => ({
    at: new Date().toISOString(),
    pool: ctx.database.stats(),
    failures: failureCounts(),
    recent: recentFailures().slice(0, 50),
  })),
});
