/**
 * A process's view of the cluster's nodes: the latest heartbeat of each (which shards it serves
 * caught up, which it holds a store for) from a watch on the heartbeat bucket. A node is live
 * while its last heartbeat is younger than the lease (server timestamps: assumes clocks within
 * a fraction of the lease, as NTP gives).
 */
import { KvWatchInclude, type KV, type KvEntry } from '@nats-io/kv';

export interface Heartbeat {
  readonly nodeId: string;
  /** Shards this node answers for: open, caught up, not failed. */
  readonly serving: readonly number[];
  /** Shards this node keeps a store (and a stream position) for. */
  readonly held: readonly number[];
}

export interface NodeState extends Heartbeat {
  readonly atMs: number;
}

export class ClusterView {
  readonly #nodes = new Map<string, NodeState>();
  readonly #leaseMs: number;
  #stop: (() => void) | undefined;
  #listeners: (() => void)[] = [];

  constructor(leaseMs: number) {
    this.#leaseMs = leaseMs;
  }

  /** Reads the current heartbeats, then follows updates. */
  async watch(nodes: KV): Promise<void> {
    const watcher = await nodes.watch({ key: 'n.>', include: KvWatchInclude.UpdatesOnly });
    this.#stop = () => watcher.stop();
    for await (const key of await nodes.keys('n.>')) {
      const e = await nodes.get(key);
      if (e !== null) this.#apply(e);
    }
    void (async () => {
      for await (const e of watcher) {
        this.#apply(e);
        for (const l of this.#listeners) l();
      }
    })();
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  /** Records a heartbeat seen directly (the node's own, without waiting for the watch). */
  note(state: NodeState): void {
    this.#nodes.set(state.nodeId, state);
  }

  #apply(e: KvEntry): void {
    if (e.operation !== 'PUT') {
      this.#nodes.delete(e.key.slice(2));
      return;
    }
    try {
      const h = e.json<Heartbeat>();
      this.#nodes.set(h.nodeId, { ...h, atMs: e.created.getTime() });
    } catch {
      // a malformed heartbeat is ignored: that node is simply not live
    }
  }

  all(): NodeState[] {
    return [...this.#nodes.values()];
  }

  isLive(nodeId: string, now = Date.now()): boolean {
    const n = this.#nodes.get(nodeId);
    return n !== undefined && now - n.atMs < this.#leaseMs;
  }

  live(now = Date.now()): NodeState[] {
    return this.all().filter((n) => now - n.atMs < this.#leaseMs);
  }

  close(): void {
    this.#stop?.();
  }
}
