/**
 * The load generator's HTTP/1.1 client: keep-alive sockets, one request in flight per socket,
 * requests serialised once, responses parsed just enough (status, Content-Length or chunked
 * body). Node's http client spent ~0.9 ms of CPU per request here — as much as the server it
 * measured, on the same two cores — so the bench would mostly have timed its own client.
 */
import net from 'node:net';
import type { LoadRequest } from './http-load.ts';

export interface Answer {
  /** HTTP status; 0 = transport failure or timeout. */
  readonly status: number;
  /** The body as text when asked for (`keepBody`), else null. */
  readonly body: string | null;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

export class LeanHttpClient {
  readonly #host: string;
  readonly #port: number;
  readonly #timeoutMs: number;
  readonly #keepBody: boolean;
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  readonly #wire = new WeakMap<LoadRequest, Buffer>();

  constructor(o: { host: string; port: number; timeoutMs: number; keepBody: boolean }) {
    this.#host = o.host;
    this.#port = o.port;
    this.#timeoutMs = o.timeoutMs;
    this.#keepBody = o.keepBody;
  }

  /** Sends on an idle connection (or a new one); never rejects. */
  send(r: LoadRequest): Promise<Answer> {
    let bytes = this.#wire.get(r);
    if (bytes === undefined) this.#wire.set(r, (bytes = serialise(r, this.#host)));
    const c = this.#idle.pop() ?? this.#open();
    return c.exchange(bytes).then((answer) => {
      if (c.reusable) this.#idle.push(c);
      else this.#all.delete(c);
      return answer;
    });
  }

  close(): void {
    for (const c of this.#all) c.destroy();
    this.#all.clear();
    this.#idle.length = 0;
  }

  #open(): Connection {
    const c = new Connection(net.connect({ host: this.#host, port: this.#port, noDelay: true }), this.#timeoutMs, this.#keepBody);
    this.#all.add(c);
    return c;
  }
}

function serialise(r: LoadRequest, host: string): Buffer {
  const body = r.body === undefined ? undefined : typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : Buffer.from(r.body);
  const lines = [`${r.method} ${r.path} HTTP/1.1`, `host: ${host}`];
  for (const [k, v] of Object.entries(r.headers ?? {})) if (k.toLowerCase() !== 'content-length') lines.push(`${k}: ${v}`);
  if (body !== undefined || r.method === 'POST') lines.push(`content-length: ${body?.length ?? 0}`);
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}

/** One socket; `exchange` is called only when no answer is pending. */
class Connection {
  readonly #socket: net.Socket;
  readonly #timeoutMs: number;
  readonly #keepBody: boolean;
  #buffer: Buffer = Buffer.alloc(0);
  #pending: ((a: Answer) => void) | null = null;
  #timer: NodeJS.Timeout | undefined;
  #alive = true;
  #closeAfter = false;

  constructor(socket: net.Socket, timeoutMs: number, keepBody: boolean) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    this.#keepBody = keepBody;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => this.#fail());
    socket.on('close', () => this.#fail());
  }

  get reusable(): boolean {
    return this.#alive && !this.#closeAfter;
  }

  exchange(bytes: Buffer): Promise<Answer> {
    if (!this.#alive) return Promise.resolve({ status: 0, body: null });
    return new Promise((resolve) => {
      this.#pending = resolve;
      this.#timer = setTimeout(() => this.#fail(), this.#timeoutMs);
      this.#socket.write(bytes);
    });
  }

  destroy(): void {
    this.#alive = false;
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const parsed = parseResponse(this.#buffer, this.#keepBody);
    if (parsed === null) return; // incomplete
    if (parsed === 'malformed') return this.#fail();
    this.#buffer = this.#buffer.subarray(parsed.consumed);
    this.#closeAfter = parsed.close;
    if (parsed.close) this.destroy();
    this.#settle({ status: parsed.status, body: parsed.body });
  }

  #fail(): void {
    this.destroy();
    this.#settle({ status: 0, body: null });
  }

  #settle(a: Answer): void {
    clearTimeout(this.#timer);
    const resolve = this.#pending;
    this.#pending = null;
    resolve?.(a);
  }
}

type Parsed = { status: number; body: string | null; consumed: number; close: boolean };

/** One complete response at the start of `b`; null when more bytes are needed. */
function parseResponse(b: Buffer, keepBody: boolean): Parsed | null | 'malformed' {
  const headEnd = b.indexOf(HEADER_END);
  if (headEnd < 0) return b.length > 65536 ? 'malformed' : null;
  const head = b.toString('latin1', 0, headEnd);
  const lines = head.split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
  if (!Number.isInteger(status)) return 'malformed';
  let length = -1, chunked = false, close = false;
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    const name = lines[i].slice(0, colon).trim().toLowerCase(), value = lines[i].slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') length = Number(value);
    else if (name === 'transfer-encoding') chunked = value.includes('chunked');
    else if (name === 'connection') close = value === 'close';
  }
  const start = headEnd + HEADER_END.length;
  if (chunked) return parseChunked(b, start, status, keepBody, close);
  if (!(length >= 0)) return 'malformed'; // this client needs a delimited body
  if (b.length < start + length) return null;
  return { status, body: keepBody ? b.toString('utf8', start, start + length) : null, consumed: start + length, close };
}

function parseChunked(b: Buffer, start: number, status: number, keepBody: boolean, close: boolean): Parsed | null | 'malformed' {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = b.indexOf(CRLF, at);
    if (lineEnd < 0) return null;
    const size = parseInt(b.toString('latin1', at, lineEnd), 16);
    if (!Number.isInteger(size) || size < 0) return 'malformed';
    const dataStart = lineEnd + 2;
    if (size === 0) {
      const end = b.indexOf(HEADER_END, lineEnd); // no trailers: "0\r\n\r\n"
      if (end < 0) return null;
      return { status, body: keepBody ? Buffer.concat(parts).toString('utf8') : null, consumed: end + HEADER_END.length, close };
    }
    if (b.length < dataStart + size + 2) return null;
    if (keepBody) parts.push(b.subarray(dataStart, dataStart + size));
    at = dataStart + size + 2;
  }
}
