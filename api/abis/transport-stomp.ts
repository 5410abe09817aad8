/**
 * The ActiveMQ queue pair, MOSIP's real ABIS transport, over STOMP (Debian's ActiveMQ ships
 * STOMP, not AMQP). Requests are read from the inbound queue with `client-individual` acks and a
 * bounded prefetch; each response is sent to the outbound queue and the request acked **in one
 * STOMP transaction**, committed only after the processor has made the result durable. So:
 * - a crash or disconnect before the commit rolls both back: the broker redelivers the request,
 *   which is answered from the job log (never executed twice) and sent once;
 * - after the commit the response is in the broker's persistent store and the request is gone:
 *   nothing is lost and nothing answered twice.
 * A body that is not JSON gets a MOSIP failure (reason 4) so it cannot loop as a poison message.
 *
 * **Message type**: each reply has the request's JMS type, because MOSIP's listener casts it to
 * the type it sends (TextMessage with `activemq.message.format=text`, BytesMessage otherwise).
 * Over STOMP the type is carried by `content-length`: a frame without it is a TextMessage, with
 * it a BytesMessage (ActiveMQ Classic and Artemis alike), both ways.
 *
 * **Destinations**: MOSIP names JMS queues ("mosip-to-abis"). ActiveMQ Classic maps them to STOMP
 * `/queue/<name>`; Artemis uses the address name itself unless its acceptor sets
 * `anycastPrefix=/queue/`, and needs `destination-type`/`subscription-type: ANYCAST` to treat it as a
 * queue. `stompDestination` applies that rule to a bare name; a name starting with "/" is used as given.
 *
 * Client: @stomp/stompjs with @stomp/tcp-wrapper (STOMP over a plain TCP socket), loaded at run
 * time so the rest of the door works without them; `connect` can inject any compatible client.
 */
import { AbisBusyError, type AbisProcessor } from './processor.ts';
import { failureResponse } from './messages.ts';
import { FAILURE } from './failure-reasons.ts';
import type { AbisMetrics } from './metrics.ts';

/** The subset of @stomp/stompjs's Client this transport uses. */
export interface StompMessage {
  readonly binaryBody: Uint8Array;
  readonly headers: Readonly<Record<string, string>>;
  ack(headers?: Record<string, string>): void;
  nack(headers?: Record<string, string>): void;
}
export interface StompTransaction {
  readonly id: string;
  commit(): void;
  abort(): void;
}
export interface StompClient {
  onConnect: () => void;
  onStompError: (frame: { headers: Record<string, string> }) => void;
  onWebSocketClose: () => void;
  readonly connected: boolean;
  activate(): void;
  deactivate(): Promise<void>;
  subscribe(destination: string, callback: (m: StompMessage) => void, headers?: Record<string, string>): { unsubscribe(): void };
  publish(p: { destination: string; body: string; headers?: Record<string, string>; skipContentLengthHeader?: boolean }): void;
  begin(transactionId?: string): StompTransaction;
}

export interface StompTransportOptions {
  readonly processor: AbisProcessor;
  readonly metrics: AbisMetrics;
  readonly host: string;
  readonly port: number;
  /** MOSIP's queue pair, e.g. mosip-to-abis / abis-to-mosip (bare JMS names, or STOMP destinations starting with "/"). */
  readonly requestQueue: string;
  readonly responseQueue: string;
  /** The broker's destination rule for bare names (default classic: `/queue/<name>`). */
  readonly broker?: StompBrokerKind;
  readonly login?: string;
  readonly passcode?: string;
  /** Requests taken from the broker before any is answered (its pendingJobs see only these). */
  readonly prefetch?: number;
  /** Reconnect delay after a lost connection, ms. */
  readonly reconnectDelayMs?: number;
  /** Build the client (default: @stomp/stompjs over @stomp/tcp-wrapper). */
  readonly connect?: (o: StompTransportOptions) => Promise<StompClient>;
}

export interface StompTransport {
  /** Resolves once connected and subscribed (first time). */
  readonly ready: Promise<void>;
  /** Requests whose transaction was committed. */
  readonly committed: () => number;
  close(): Promise<void>;
}

export type StompBrokerKind = 'classic' | 'artemis';

/** The STOMP destination of a MOSIP queue name on this kind of broker (see the header comment). */
export function stompDestination(queue: string, broker: StompBrokerKind = 'classic'): string {
  if (queue.startsWith('/')) return queue;
  return broker === 'classic' ? `/queue/${queue}` : queue;
}

/** A request arrived as a JMS TextMessage: its frame has no content-length. */
export function isTextMessage(message: Pick<StompMessage, 'headers'>): boolean {
  return message.headers['content-length'] === undefined;
}

const STOMPJS: string = '@stomp/stompjs';
const TCP_WRAPPER: string = '@stomp/tcp-wrapper';

/** The default client; throws ERR_ABIS_STOMP_CLIENT when the packages are not installed. */
export async function defaultStompClient(o: StompTransportOptions): Promise<StompClient> {
  let stomp: { Client: new (config: Record<string, unknown>) => StompClient };
  let tcp: { TCPWrapper: new (host: string, port: number) => unknown };
  try {
    stomp = (await import(STOMPJS)) as typeof stomp;
    tcp = (await import(TCP_WRAPPER)) as typeof tcp;
  } catch {
    throw Object.assign(new Error(`the STOMP transport needs the npm packages ${STOMPJS} and ${TCP_WRAPPER}`), { code: 'ERR_ABIS_STOMP_CLIENT' });
  }
  return new stomp.Client({
    webSocketFactory: () => new tcp.TCPWrapper(o.host, o.port),
    connectHeaders: { host: 'localhost', ...(o.login === undefined ? {} : { login: o.login, passcode: o.passcode ?? '' }) },
    reconnectDelay: o.reconnectDelayMs ?? 1000,
    heartbeatIncoming: 10_000,
    heartbeatOutgoing: 10_000,
    debug: () => undefined,
  });
}

export async function startStompTransport(o: StompTransportOptions): Promise<StompTransport> {
  const client = await (o.connect ?? defaultStompClient)(o);
  let committed = 0;
  let closing = false;
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (resolveReady = resolve));
  const decoder = new TextDecoder();
  const requestDestination = stompDestination(o.requestQueue, o.broker);
  const responseDestination = stompDestination(o.responseQueue, o.broker);
  const anycast = o.broker === 'artemis';

  const answer = (message: StompMessage, body: string): void => {
    // The connection may have dropped meanwhile: then the broker redelivers the request and
    // the job log answers it; nothing to do here.
    if (!client.connected) return;
    try {
      const tx = client.begin();
      // the request's type: no content-length → TextMessage, content-length → BytesMessage
      client.publish({
        destination: responseDestination, body, skipContentLengthHeader: isTextMessage(message),
        headers: { persistent: 'true', transaction: tx.id, ...(anycast ? { 'destination-type': 'ANYCAST' } : {}) },
      });
      message.ack({ transaction: tx.id });
      tx.commit();
      committed++;
    } catch {
      o.metrics.error('ERR_ABIS_STOMP_SEND');
    }
  };

  const onMessage = (message: StompMessage): void => {
    let body: unknown;
    try {
      body = JSON.parse(decoder.decode(message.binaryBody));
    } catch {
      o.metrics.error('ERR_ABIS_JSON');
      answer(message, JSON.stringify(failureResponse(null, null, FAILURE.invalidStructure)));
      return;
    }
    let job: Promise<unknown>;
    try {
      job = o.processor.submit(body);
    } catch (error) {
      // Busy or closing: leave it unacked; the broker redelivers it after reconnect/restart.
      o.metrics.error(error instanceof AbisBusyError ? error.code : 'ERR_ABIS_INTERNAL');
      return;
    }
    job.then((response) => answer(message, JSON.stringify(response)), () => o.metrics.error('ERR_ABIS_INTERNAL'));
  };

  client.onConnect = () => {
    if (closing) return;
    client.subscribe(requestDestination, onMessage, {
      ack: 'client-individual', 'activemq.prefetchSize': String(o.prefetch ?? 64), ...(anycast ? { 'subscription-type': 'ANYCAST' } : {}),
    });
    resolveReady();
  };
  client.onStompError = () => o.metrics.error('ERR_ABIS_STOMP_BROKER');
  client.onWebSocketClose = () => {
    if (!closing) o.metrics.error('ERR_ABIS_STOMP_DISCONNECTED');
  };
  client.activate();
  return {
    ready,
    committed: () => committed,
    async close() {
      closing = true;
      await client.deactivate();
    },
  };
}
