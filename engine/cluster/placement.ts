/**
 * Shard placement: which nodes serve which logical shard. A pure function of the previous
 * assignment and the nodes' state, so whichever node computes it gets the same answer; the
 * result lives in the JetStream KV bucket. Rules, in order:
 * 1. keep a replica on a node that is live, or dead for less than the grace period (it will
 *    catch up from its own store on restart);
 * 2. fill each shard up to the replication factor with the least-loaded live nodes, preferring
 *    one that still holds the shard's store (catch-up from its position, not from zero);
 * 3. while two live nodes differ by more than one replica, move one replica from the most to
 *    the least loaded, again preferring a shard the receiver holds.
 */
export interface PlacementInput {
  /** The previous assignment (shard → node ids), or undefined at the first start. */
  readonly previous: readonly (readonly string[])[] | undefined;
  readonly shards: number;
  readonly replication: number;
  /** Live nodes (a recent heartbeat). */
  readonly live: readonly string[];
  /** Dead nodes still within the grace period: they keep their replicas but receive none. */
  readonly grace: readonly string[];
  /** Shards each node holds a store for (from its heartbeat). */
  readonly held: ReadonlyMap<string, ReadonlySet<number>>;
}

export function placeShards(input: PlacementInput): string[][] {
  const live = [...new Set(input.live)].sort();
  const members = new Set([...live, ...input.grace]);
  const lists: string[][] = [];
  for (let s = 0; s < input.shards; s++) {
    lists.push([...new Set(input.previous?.[s] ?? [])].filter((n) => members.has(n)));
  }
  const load = new Map<string, number>();
  for (const n of members) load.set(n, 0);
  for (const list of lists) for (const n of list) load.set(n, (load.get(n) ?? 0) + 1);
  const holds = (n: string, s: number): boolean => input.held.get(n)?.has(s) ?? false;
  // 2. fill
  for (let s = 0; s < input.shards; s++) {
    const list = lists[s];
    while (list.length < input.replication) {
      const choice = pickReceiver(live.filter((n) => !list.includes(n)), load, (n) => holds(n, s));
      if (choice === undefined) break;
      list.push(choice);
      load.set(choice, load.get(choice)! + 1);
    }
  }
  // 3. balance among live nodes
  for (let guard = 0; guard < input.shards * input.replication; guard++) {
    if (live.length < 2) break;
    const byLoad = [...live].sort((a, b) => load.get(a)! - load.get(b)! || (a < b ? -1 : 1));
    const low = byLoad[0], high = byLoad[byLoad.length - 1];
    if (load.get(high)! - load.get(low)! <= 1) break;
    const movable: number[] = [];
    for (let s = 0; s < input.shards; s++) if (lists[s].includes(high) && !lists[s].includes(low)) movable.push(s);
    if (movable.length === 0) break;
    const s = movable.find((m) => holds(low, m)) ?? movable[0];
    lists[s] = lists[s].map((n) => (n === high ? low : n));
    load.set(high, load.get(high)! - 1);
    load.set(low, load.get(low)! + 1);
  }
  return lists;
}

function pickReceiver(candidates: readonly string[], load: ReadonlyMap<string, number>, holds: (n: string) => boolean): string | undefined {
  let best: string | undefined;
  for (const n of candidates) {
    if (best === undefined) { best = n; continue; }
    const dl = load.get(n)! - load.get(best)!;
    if (dl < 0 || (dl === 0 && holds(n) && !holds(best))) best = n;
  }
  return best;
}

export function samePlacement(a: readonly (readonly string[])[] | undefined, b: readonly (readonly string[])[]): boolean {
  return a !== undefined && a.length === b.length && a.every((list, s) => list.length === b[s].length && list.every((n, i) => n === b[s][i]));
}
