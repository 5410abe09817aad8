/**
 * Writing responses: corked (one syscall for status, headers and body even after an await),
 * never after an abort or a first response, and large bodies streamed with tryEnd/onWritable
 * so a slow reader never makes uWS buffer the whole body twice.
 */
import { HttpError, statusLine } from './http-error.ts';
import type { Exchange } from './exchange.ts';

/** Bodies above this are streamed with backpressure (bytes). */
export const STREAM_ABOVE_BYTES = 64 * 1024;

export function sendText(ex: Exchange, status: number, contentType: string, body: string | Buffer, headers: Readonly<Record<string, string>> = {}, closeConnection = false): boolean {
  if (ex.aborted || ex.responded) return false;
  ex.responded = true;
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const res = ex.res;
  res.cork(() => {
    res.writeStatus(statusLine(status));
    res.writeHeader('content-type', contentType);
    res.writeHeader('cache-control', 'no-store');
    res.writeHeader('x-content-type-options', 'nosniff');
    if (ex.requestId !== undefined) res.writeHeader('x-request-id', ex.requestId);
    for (const [k, v] of Object.entries(headers)) res.writeHeader(k, v);
    if (bytes.length <= STREAM_ABOVE_BYTES || closeConnection) {
      res.end(bytes, closeConnection);
      return;
    }
    const start = res.getWriteOffset();
    const [ok, done] = res.tryEnd(bytes, bytes.length);
    if (ok || done) return;
    res.onWritable((offset) => {
      const [more, finished] = res.tryEnd(bytes.subarray(offset - start), bytes.length);
      return more || finished;
    });
  });
  return true;
}

export function sendJson(ex: Exchange, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}, closeConnection = false): boolean {
  return sendText(ex, status, 'application/json', JSON.stringify(body), headers, closeConnection);
}

/** `{ error: { code, message } }` with the error's status and headers. */
export function sendError(ex: Exchange, error: HttpError): boolean {
  return sendJson(ex, error.status, { error: { code: error.code, message: error.message } }, error.headers, error.closeConnection);
}
