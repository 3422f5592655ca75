import next from 'next';

import { servePortal } from '@openhouse/api/server';

/** `pnpm start`: the tenant portal's production server, `/api/trpc` served beside Next.js. */
await servePortal(next({ dir: import.meta.dirname }), { defaultPort: 3000 });
