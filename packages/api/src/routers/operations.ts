import { failuresVisibleTo } from '../operations-log';
import { developerPhasedProcedure } from '../procedures';
import { router } from '../trpc';

export const operationsRouter = router({
  /**
   * The serving process's pool right now, with the recent failures by kind and route of the
   * caller's tenant and of the pool itself (never another tenant's). Staff only; it reads process
   * memory, so it holds no connection and works while the database is down.
   */
  pool: developerPhasedProcedure.query(({ ctx }) => {
    const tenantId = ctx.claims.tenant_id;
    const share = ctx.database.tenantShares().find((row) => row.tenantId === tenantId);
    const { shed, timedOut } = ctx.database.tenantCounters;
    return {
      at: new Date().toISOString(),
      pool: ctx.database.stats(),
      // The caller's company's share of the pool (fair-share.ts): only its own, never another's.
      tenant: {
        inUse: share?.inUse ?? 0,
        waiting: share?.waiting ?? 0,
        shed: shed.get(tenantId) ?? 0,
        waitTimeouts: timedOut.get(tenantId) ?? 0,
      },
      ...failuresVisibleTo(tenantId),
    };
  }),
});
