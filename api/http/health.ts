/**
 * Liveness and readiness routes for a uWebSockets.js app (the ABIS door; the ID service has them
 * in its route table): `GET /health/live` 200 while the process answers, `GET /health/ready` 200
 * once the engine is warm and 503 while starting or stopping. Public: they say nothing but that.
 */
import type { TemplatedApp } from 'uWebSockets.js';

export type Readiness = () => 'ready' | 'starting' | 'stopping';

export function mountHealthRoutes(app: TemplatedApp, readiness: Readiness): void {
  const answer = (res: Parameters<Parameters<TemplatedApp['get']>[1]>[0], status: string, body: string): void => {
    res.cork(() => res.writeStatus(status).writeHeader('content-type', 'application/json').writeHeader('cache-control', 'no-store').end(body));
  };
  app.get('/health/live', (res) => answer(res, '200 OK', '{"status":"live"}'));
  app.get('/health/ready', (res) => {
    const state = readiness();
    answer(res, state === 'ready' ? '200 OK' : '503 Service Unavailable', JSON.stringify({ status: state }));
  });
}
