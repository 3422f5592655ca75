/**
 * What the portals call: their route handlers and start-up hook are one-line re-exports of these,
 * so both apps serve the same router, probes and start-up checks. Each job is its own module under
 * `server/`. The dev sign-in is not here: it needs the seed's fixtures, which a production server
 * never loads (`@openhouse/seed/dev-sign-in`).
 */
export {
  handleHealthRequest,
  handleReadyRequest,
  healthResponse,
  readyResponse,
} from './server/health-route';
export { getServerDeps } from './server/deps';
export { drainAndClose, startServer } from './server/lifecycle';
export { handleMetricsRequest } from './server/metrics-route';
export { servePortal, type NextApp } from './server/portal-server';
export { handleSignOut } from './server/session';
export { handleTrpcRequest } from './server/trpc-route';
