import { analyticsRouter } from './routers/analytics';
import { developmentsRouter } from './routers/developments';
import { documentsRouter } from './routers/documents';
import { noticeboardRouter } from './routers/noticeboard';
import { operationsRouter } from './routers/operations';
import { router } from './trpc';

export const appRouter = router({
  developments: developmentsRouter,
  noticeboard: noticeboardRouter,
  operations: operationsRouter,
  documents: documentsRouter,
  analytics: analyticsRouter,
});

export type AppRouter = typeof appRouter;
