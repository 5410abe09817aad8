/**
 * Progress of a long bench step on stderr: a bar with rate and ETA redrawn in place when
 * stderr is a terminal, a plain line every few seconds when it is a file or a pipe (CI logs,
 * `2> run.log`). Nothing at all for steps shorter than a couple of seconds, so short runs and
 * tests stay quiet.
 *
 *   const progress = startProgress({ label: 'DB1_B extraction', total: images.length, unit: 'images' });
 *   for (const image of images) { work(image); progress.tick(); }
 *   progress.done();
 *
 * or, over an iterable: `for (const x of withProgress(items, progress)) …` (ticks as it goes,
 * done() at the end).
 */

/** The part of a stream progress writes to (process.stderr, or a fake in tests). */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** What is being done, e.g. "DB1_B scoring". */
  label: string;
  /** Units of work expected; 0 or unknown: no bar and no ETA, just counts and rate. */
  total: number;
  /** Plural noun for the rate ("images", "comparisons"). Default "items". */
  unit?: string;
  /** Default process.stderr. */
  sink?: ProgressSink;
  /** Milliseconds clock. Default performance.now. */
  now?: () => number;
}

export interface Progress {
  /** `n` more units done (default 1). */
  tick(n?: number): void;
  /** The step ended: a final line if anything was shown. Idempotent. */
  done(): void;
}

/** Output starts only after this long: shorter steps print nothing. */
const QUIET_MS = 2000;
/** Terminal redraws at most this often (a redraw per tick would cost more than the work). */
const TTY_REDRAW_MS = 100;
/** Plain lines this often, so a log shows the run is alive without flooding it. */
const LINE_INTERVAL_MS = 10_000;
const BAR_WIDTH = 24;

export const NO_PROGRESS: Progress = { tick: () => {}, done: () => {} };

/** Seconds as m:ss or h:mm:ss. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

function formatRate(perSecond: number): string {
  if (perSecond >= 100) return Math.round(perSecond).toLocaleString('en-US');
  return perSecond.toPrecision(3);
}

export function startProgress(options: ProgressOptions): Progress {
  const sink = options.sink ?? process.stderr;
  const now = options.now ?? (() => performance.now());
  const unit = options.unit ?? 'items';
  const total = options.total > 0 ? options.total : 0;
  const tty = sink.isTTY === true;
  const started = now();
  let count = 0;
  let shown = false;
  let lastDraw = -Infinity;
  let finished = false;

  const status = (t: number): { rate: number; text: string } => {
    const seconds = (t - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    const share = total > 0 ? Math.min(1, count / total) : 0;
    const eta = total > 0 && rate > 0 ? formatDuration((total - count) / rate) : '?';
    const of = total > 0 ? `${count.toLocaleString('en-US')}/${total.toLocaleString('en-US')}` : count.toLocaleString('en-US');
    const percent = total > 0 ? `${(share * 100).toFixed(0).padStart(3)}% ` : '';
    const bar = tty && total > 0 ? `[${'#'.repeat(Math.round(share * BAR_WIDTH)).padEnd(BAR_WIDTH, '.')}] ` : '';
    return { rate, text: `${options.label} ${bar}${percent}${of} ${unit}, ${formatRate(rate)}/s${total > 0 ? `, ETA ${eta}` : ''}` };
  };

  const draw = (t: number): void => {
    const { text } = status(t);
    if (tty) {
      const width = (sink.columns ?? 100) - 1;
      sink.write(`\r${text.slice(0, width).padEnd(width)}`);
    } else {
      sink.write(`${text}\n`);
    }
    shown = true;
    lastDraw = t;
  };

  return {
    tick(n = 1) {
      if (finished) return;
      count += n;
      const t = now();
      if (t - started < QUIET_MS) return;
      if (t - lastDraw >= (tty ? TTY_REDRAW_MS : LINE_INTERVAL_MS)) draw(t);
    },
    done() {
      if (finished) return;
      finished = true;
      if (!shown) return;
      const t = now();
      const { rate } = status(t);
      const line = `${options.label}: ${count.toLocaleString('en-US')} ${unit} in ${formatDuration((t - started) / 1000)} (${formatRate(rate)}/s)`;
      const width = (sink.columns ?? 100) - 1;
      sink.write(tty ? `\r${line.padEnd(width)}\n` : `${line}\n`);
    },
  };
}

/** Yields `items`, ticking once per item and calling done() when the iteration ends (or stops early). */
export function* withProgress<T>(items: Iterable<T>, progress: Progress): Generator<T> {
  try {
    for (const item of items) {
      yield item;
      progress.tick();
    }
  } finally {
    progress.done();
  }
}
