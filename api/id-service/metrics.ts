/** The ID service's Prometheus metrics. */
import { Counter, Gauge, Histogram, MetricsRegistry } from '../http/index.ts';
import { LATENCY_BUCKETS } from './params.ts';

export class IdMetrics {
  readonly registry = new MetricsRegistry();
  readonly requestSeconds = this.registry.register(new Histogram('id_http_request_duration_seconds', 'Request latency by route and status', ['route', 'status'], LATENCY_BUCKETS));
  readonly decisions = this.registry.register(new Counter('id_decisions_total', 'Decisions by kind (uin-issued, pending-adjudication, match, no-match, duplicate, unique)', ['kind']));
  readonly errors = this.registry.register(new Counter('id_errors_total', 'Error responses by code', ['code']));
  readonly inFlight = this.registry.register(new Gauge('id_in_flight_requests', 'Requests in flight by kind (enrol, verify)', ['kind']));
  readonly enrolQueue = this.registry.register(new Gauge('id_enrol_queue_depth', 'Enrolments waiting for or holding the dedup lock'));
  readonly pendingCases = this.registry.register(new Gauge('id_adjudication_pending_cases', 'Open adjudication cases'));

  constructor() {
    this.inFlight.set({ kind: 'enrol' }, 0);
    this.inFlight.set({ kind: 'verify' }, 0);
  }
}
