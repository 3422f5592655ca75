import { asc, count, eq } from 'drizzle-orm';

import { schema } from '@openhouse/db';

import { protectedProcedure } from '../procedures';
import { router } from '../trpc';

const { developments, houses } = schema;

export const developmentsRouter = router({
  /** The developments the caller may see (RLS): a homeowner's own, or their tenant's for staff. */
  list: protectedProcedure.query(({ ctx }) =>
    ctx.db
      .select({
        id: developments.id,
        name: developments.name,
        town: developments.town,
        houseCount: count(houses.id),
      })
      .from(developments)
      .leftJoin(houses, eq(houses.developmentId, developments.id))
      .groupBy(developments.id)
      .orderBy(asc(developments.name)),
  ),
});
