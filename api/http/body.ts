/**
 * Reads a request body with a byte limit and a deadline: a declared Content-Length over the
 * limit is refused before a byte is read, a body that grows past it is refused mid-stream, and
 * one that trickles in (slow-loris) is cut at the deadline. uWS neuters each chunk's
 * ArrayBuffer after the callback, so every chunk is copied.
 */
import { HttpError } from './http-error.ts';
import type { Exchange } from './exchange.ts';

export interface BodyLimits {
  /** Largest body accepted, bytes. */
  readonly maxBytes: number;
  /** Longest time from the request to the last body byte, ms. */
  readonly timeoutMs: number;
}

/** Rejects with HttpError (413, 408, 400) or, when the peer aborts, with BodyAbortedError. */
export function readBody(ex: Exchange, limits: BodyLimits): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = ex.headers['content-length'];
    if (declared !== undefined && declared !== '') {
      const n = Number(declared);
      if (!/^\d{1,15}$/.test(declared)) {
        reject(new HttpError(400, 'ERR_BAD_CONTENT_LENGTH', 'Content-Length is not a number', { closeConnection: true }));
        return;
      }
      if (n > limits.maxBytes) {
        reject(tooLarge(limits.maxBytes));
        return;
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      clearTimeout(timer);
      return true;
    };
    const timer = setTimeout(() => {
      if (settle()) reject(new HttpError(408, 'ERR_BODY_TIMEOUT', `the request body did not arrive within ${limits.timeoutMs} ms`, { closeConnection: true }));
    }, limits.timeoutMs);
    ex.onAbort(() => {
      if (settle()) reject(new BodyAbortedError());
    });
    ex.res.onData((chunk, isLast) => {
      if (settled) return;
      size += chunk.byteLength;
      if (size > limits.maxBytes) {
        if (settle()) reject(tooLarge(limits.maxBytes));
        return;
      }
      chunks.push(Buffer.from(new Uint8Array(chunk))); // copy: uWS neuters the chunk after this call
      if (isLast && settle()) resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    });
  });
}

/** Reads the body and parses it as JSON: ERR_BAD_JSON (400) when it is not. */
export async function readJson(ex: Exchange, limits: BodyLimits): Promise<unknown> {
  const body = await readBody(ex, limits);
  if (body.length === 0) throw new HttpError(400, 'ERR_BAD_JSON', 'the request body is empty; a JSON object is expected');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'ERR_BAD_JSON', 'the request body is not valid JSON');
  }
}

/** The peer closed the connection before the body was complete: nobody to answer. */
export class BodyAbortedError extends Error {
  constructor() {
    super('the client aborted the request');
    this.name = 'BodyAbortedError';
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, 'ERR_BODY_TOO_LARGE', `the request body exceeds ${maxBytes} bytes`, { closeConnection: true });
}
