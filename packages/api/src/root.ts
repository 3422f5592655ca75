import { analyticsRouter } from './routers/analytics';
import { assistantRouter } from './routers/assistant';
import { chatRouter } from './routers/chat';
import { developmentsRouter } from './routers/developments';
import { documentsRouter } from './routers/documents';
import { invitesRouter } from './routers/invites';
import { noticeboardRouter } from './routers/noticeboard';
import { onboardingRouter } from './routers/onboarding';
import { operationsRouter } from './routers/operations';
import { router } from './trpc';

export const appRouter = router({
  developments: developmentsRouter,
  noticeboard: noticeboardRouter,
  operations: operationsRouter,
  documents: documentsRouter,
  analytics: analyticsRouter,
  onboarding: onboardingRouter,
  invites: invitesRouter,
  chat: chatRouter,
  assistant: assistantRouter,
});

export type AppRouter = typeof appRouter;
