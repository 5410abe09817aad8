/**
 * Counters, gauges and histograms rendered in the Prometheus text exposition format (0.0.4).
 * Label values are escaped; series are kept per label tuple in insertion order.
 */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Labels = Readonly<Record<string, string>>;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function labelText(names: readonly string[], labels: Labels, extra?: [string, string]): string {
  const parts = names.map((n) => `${n}="${escapeLabel(labels[n] ?? '')}"`);
  if (extra !== undefined) parts.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

function formatNumber(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

interface Metric {
  render(): string;
}

abstract class Family<S> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; state: S }>();
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[], private readonly type: string) {}

  protected get(labels: Labels): S {
    const key = this.labelNames.map((n) => labels[n] ?? '').join('\u0000');
    let s = this.series.get(key);
    if (s === undefined) this.series.set(key, (s = { labels: { ...labels }, state: this.initial() }));
    return s.state;
  }

  protected abstract initial(): S;
  protected abstract lines(labels: Labels, state: S): string[];

  render(): string {
    const out = [`# HELP ${this.name} ${this.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${this.name} ${this.type}`];
    for (const { labels, state } of this.series.values()) out.push(...this.lines(labels, state));
    return out.join('\n');
  }
}

export class Counter extends Family<{ value: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'counter');
  }
  inc(labels: Labels = {}, by = 1): void {
    this.get(labels).value += by;
  }
  value(labels: Labels = {}): number {
    return this.get(labels).value;
  }
  protected initial() {
    return { value: 0 };
  }
  protected lines(labels: Labels, s: { value: number }): string[] {
    return [`${this.name}${labelText(this.labelNames, labels)} ${formatNumber(s.value)}`];
  }
}

export class Gauge extends Family<{ value: number }> {
  constructor(name: string, help: string, labelNames: readonly string[] = []) {
    super(name, help, labelNames, 'gauge');
  }
  set(labels: Labels, value: number): void {
    this.get(labels).value = value;
  }
  inc(labels: Labels = {}, by = 1): void {
    this.get(labels).value += by;
  }
  dec(labels: Labels = {}, by = 1): void {
    this.get(labels).value -= by;
  }
  protected initial() {
    return { value: 0 };
  }
  protected lines(labels: Labels, s: { value: number }): string[] {
    return [`${this.name}${labelText(this.labelNames, labels)} ${formatNumber(s.value)}`];
  }
}

interface HistogramState {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Family<HistogramState> {
  readonly buckets: readonly number[];
  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    super(name, help, labelNames, 'histogram');
    this.buckets = [...buckets].sort((a, b) => a - b);
  }
  observe(labels: Labels, value: number): void {
    const s = this.get(labels);
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]) s.counts[i]++;
    s.sum += value;
    s.count++;
  }
  protected initial(): HistogramState {
    return { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
  }
  protected lines(labels: Labels, s: HistogramState): string[] {
    const out = this.buckets.map((b, i) => `${this.name}_bucket${labelText(this.labelNames, labels, ['le', formatNumber(b)])} ${s.counts[i]}`);
    out.push(`${this.name}_bucket${labelText(this.labelNames, labels, ['le', '+Inf'])} ${s.count}`);
    out.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${formatNumber(s.sum)}`);
    out.push(`${this.name}_count${labelText(this.labelNames, labels)} ${s.count}`);
    return out;
  }
}

export class MetricsRegistry {
  readonly #metrics: Metric[] = [];
  register<M extends Metric>(metric: M): M {
    this.#metrics.push(metric);
    return metric;
  }
  render(): string {
    return this.#metrics.map((m) => m.render()).join('\n') + '\n';
  }
}
