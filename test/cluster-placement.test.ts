/** Shard placement (a pure function): replication, balance, the grace period, preference for a node's own store; and the shard hash. */
import { describe, expect, it } from 'vitest';
import { shardOf } from '../engine/index.ts';
import { placeShards } from '../engine/cluster/placement.ts';

const none = new Map<string, Set<number>>();
const loads = (lists: string[][]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const l of lists) for (const n of l) out[n] = (out[n] ?? 0) + 1;
  return out;
};

describe('placeShards', () => {
  it('gives every shard two distinct live nodes, balanced within one replica', () => {
    const p = placeShards({ previous: undefined, shards: 12, replication: 2, live: ['c', 'a', 'b'], grace: [], held: none });
    for (const l of p) { expect(l).toHaveLength(2); expect(new Set(l).size).toBe(2); }
    expect(loads(p)).toEqual({ a: 8, b: 8, c: 8 });
  });

  it('serves with what is live: one node gets every shard once', () => {
    const p = placeShards({ previous: undefined, shards: 6, replication: 2, live: ['a'], grace: [], held: none });
    expect(p).toEqual(Array.from({ length: 6 }, () => ['a']));
  });

  it('keeps a dead node within the grace period, replaces it after, and moves the fewest replicas', () => {
    const before = placeShards({ previous: undefined, shards: 12, replication: 2, live: ['a', 'b', 'c'], grace: [], held: none });
    expect(placeShards({ previous: before, shards: 12, replication: 2, live: ['a', 'b'], grace: ['c'], held: none })).toEqual(before);
    const after = placeShards({ previous: before, shards: 12, replication: 2, live: ['a', 'b'], grace: [], held: none });
    for (const l of after) expect([...l].sort()).toEqual(['a', 'b']);
    let moved = 0;
    after.forEach((l, s) => { moved += l.filter((n) => !before[s].includes(n)).length; });
    expect(moved).toBe(8); // exactly c's 8 replicas, nothing else
  });

  it('a joining node takes shards, preferring those it still holds a store for', () => {
    const two = placeShards({ previous: undefined, shards: 12, replication: 2, live: ['a', 'b'], grace: [], held: none });
    const held = new Map([['c', new Set([3, 4, 5, 6, 7, 8, 9, 10])]]);
    const three = placeShards({ previous: two, shards: 12, replication: 2, live: ['a', 'b', 'c'], grace: [], held });
    expect(loads(three)).toEqual({ a: 8, b: 8, c: 8 });
    const onC = three.flatMap((l, s) => (l.includes('c') ? [s] : []));
    expect(onC).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('is deterministic: the same input gives the same assignment whoever computes it', () => {
    const input = { previous: undefined, shards: 12, replication: 2, live: ['n3', 'n1', 'n2', 'n4'], grace: [], held: none };
    expect(placeShards(input)).toEqual(placeShards({ ...input, live: ['n4', 'n2', 'n1', 'n3'] }));
  });
});

describe('shardOf', () => {
  it('is stable (FNV-1a, pinned values) and spreads ids evenly', () => {
    expect(shardOf('', 1 << 30)).toBe(0x811c9dc5 % (1 << 30));
    expect(shardOf('a', 0x7fffffff)).toBe(0xe40c292c % 0x7fffffff);
    const counts = new Array<number>(12).fill(0);
    for (let i = 0; i < 12_000; i++) counts[shardOf(`ref-${i}`, 12)]++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});
