/**
 * The load generator in its own thread, so the clients do not share the server's event loop
 * (both on the main thread would time each other). Requests cycle through the given list.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runLoad, type LoadRequest } from './http-load.ts';

interface LoadJob {
  host: string;
  port: number;
  concurrency: number;
  seconds: number;
  maxRequests: number;
  requests: LoadRequest[];
}

const job = workerData as LoadJob;
const result = await runLoad({ ...job, request: (i) => job.requests[i % job.requests.length] });
parentPort!.postMessage(result);
