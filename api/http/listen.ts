/**
 * Listening with an exclusive port. uWS binds with SO_REUSEPORT unless told otherwise, so a
 * second instance on the same port came up silently and the kernel split connections between two
 * processes (two in-memory galleries: one person got two UINs). LIBUS_LISTEN_EXCLUSIVE_PORT
 * binds without it: a port already in use is refused, whoever holds it.
 */
import uWS from 'uWebSockets.js';

/** uWS's LIBUS_LISTEN_EXCLUSIVE_PORT (its typings lack the host + options overload). */
const LIBUS_LISTEN_EXCLUSIVE_PORT = 1;

type ListenWithOptions = (host: string, port: number, options: number, cb: (socket: uWS.us_listen_socket | false) => void) => void;

/** Resolves with the listen socket, or rejects with one line naming the address. */
export function listenExclusive(app: uWS.TemplatedApp, host: string, port: number, what: string): Promise<uWS.us_listen_socket> {
  return new Promise((resolve, reject) => {
    (app.listen as unknown as ListenWithOptions).call(app, host, port, LIBUS_LISTEN_EXCLUSIVE_PORT, (socket) => {
      if (socket === false) reject(new ListenError(`${what} could not listen on ${host}:${port} (the port is in use, or the address is not this machine's)`));
      else resolve(socket);
    });
  });
}

export class ListenError extends Error {
  readonly code = 'ERR_LISTEN';
  constructor(message: string) {
    super(message);
    this.name = 'ListenError';
  }
}

/** The port a listen socket got (useful with port 0). */
export function listenPort(socket: uWS.us_listen_socket): number {
  return uWS.us_socket_local_port(socket as unknown as uWS.us_socket);
}
