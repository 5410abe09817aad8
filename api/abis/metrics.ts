/**
 * Operational metrics in the Prometheus text exposition format (version 0.0.4): queue depth,
 * job latency by operation, MOSIP failures by reason, transport errors by code, log replays.
 * Labels come only from fixed vocabularies (operation ids, reason numbers, our error codes),
 * never from request content, so the series count stays bounded.
 */
import { ABIS_PARAMS } from './params.ts';

class Histogram {
  readonly counts: number[] = ABIS_PARAMS.latencyBuckets.map(() => 0);
  sum = 0;
  count = 0;
  observe(seconds: number): void {
    this.sum += seconds;
    this.count++;
    ABIS_PARAMS.latencyBuckets.forEach((b, i) => {
      if (seconds <= b) this.counts[i]++;
    });
  }
}

export class AbisMetrics {
  readonly #jobs = new Map<string, Histogram>();
  readonly #failures = new Map<string, number>();
  readonly #errors = new Map<string, number>();
  replays = 0;
  #queueDepth: () => number = () => 0;

  /** Where the queue depth gauge reads from. */
  watchQueue(depth: () => number): void {
    this.#queueDepth = depth;
  }

  job(operation: string, seconds: number, failureReason?: string): void {
    let h = this.#jobs.get(operation);
    if (h === undefined) this.#jobs.set(operation, (h = new Histogram()));
    h.observe(seconds);
    if (failureReason !== undefined) this.#failures.set(failureReason, (this.#failures.get(failureReason) ?? 0) + 1);
  }

  error(code: string): void {
    this.#errors.set(code, (this.#errors.get(code) ?? 0) + 1);
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP abis_queue_depth Jobs accepted and not finished.', '# TYPE abis_queue_depth gauge', `abis_queue_depth ${this.#queueDepth()}`);
    out.push('# HELP abis_job_seconds Time from acceptance to durable answer, by operation.', '# TYPE abis_job_seconds histogram');
    for (const [op, h] of this.#jobs) {
      ABIS_PARAMS.latencyBuckets.forEach((b, i) => out.push(`abis_job_seconds_bucket{operation="${op}",le="${b}"} ${h.counts[i]}`));
      out.push(`abis_job_seconds_bucket{operation="${op}",le="+Inf"} ${h.count}`, `abis_job_seconds_sum{operation="${op}"} ${h.sum}`, `abis_job_seconds_count{operation="${op}"} ${h.count}`);
    }
    out.push('# HELP abis_failures_total MOSIP failure responses by failureReason.', '# TYPE abis_failures_total counter');
    for (const [r, n] of this.#failures) out.push(`abis_failures_total{reason="${r}"} ${n}`);
    out.push('# HELP abis_errors_total Requests refused before reaching the queue, by error code.', '# TYPE abis_errors_total counter');
    for (const [c, n] of this.#errors) out.push(`abis_errors_total{code="${c}"} ${n}`);
    out.push('# HELP abis_log_replays_total Redelivered requests answered from the job log.', '# TYPE abis_log_replays_total counter', `abis_log_replays_total ${this.replays}`);
    return `${out.join('\n')}\n`;
  }
}
