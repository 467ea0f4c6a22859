/**
 * The one link model: which node can reach which, and which links have their own delay. The
 * simulator's network and the page's bus both ask it, so a partition means the same thing in
 * the deterministic engine and in the worker cluster.
 *
 * Node-to-node links can be cut one way (`setLink`) or both ways (`partition`, `isolate`).
 * Clients (string ids) reach every node except one isolated with its clients cut; a node in
 * no group of a partition is alone. Node ids are small (1..7): links are keyed from * 1000 + to.
 */
import { assert } from '../core/assert.ts';
import type { NodeId } from '../core/types.ts';

const LINK_BASE = 1000;

export interface NetworkShape {
  delayMs: [number, number];
  dropRate: number;
  duplicateRate: number;
}

export class Links {
  private nodeIds: NodeId[];
  private readonly cuts = new Set<number>();
  /** Nodes the clients cannot reach (and that cannot answer clients). */
  private readonly clientCuts = new Set<NodeId>();
  private readonly delays = new Map<number, [number, number]>();

  constructor(
    nodeIds: readonly NodeId[],
    /** Delays are whole milliseconds (the simulator's clock), else any finite value (wall timers). */
    private readonly wholeMs: boolean,
  ) {
    this.nodeIds = [...nodeIds];
  }

  /** A node joins: it reaches everyone (a partition made before it does not cover it). */
  addNode(id: NodeId): void {
    assert(!this.nodeIds.includes(id), `node ${id} exists already`);
    this.nodeIds.push(id);
  }

  /** Undoes addNode of the last node (its addition was refused). */
  removeLastNode(id: NodeId): void {
    assert(this.nodeIds[this.nodeIds.length - 1] === id, `node ${id} is not the last added`);
    this.nodeIds.pop();
  }

  /** A new set of nodes: every link is whole again and no link has its own delay. */
  reset(nodeIds: readonly NodeId[]): void {
    this.nodeIds = [...nodeIds];
    this.heal();
    this.delays.clear();
  }

  /** Nodes in different groups cannot talk; a node in no group is cut from every other node. */
  partition(groups: readonly (readonly NodeId[])[]): void {
    const groupOf = new Map<NodeId, number>();
    groups.forEach((group, g) => {
      for (const id of group) {
        this.checkNode(id);
        assert(!groupOf.has(id), `node ${id} is in two groups`);
        groupOf.set(id, g);
      }
    });
    this.cuts.clear();
    for (const a of this.nodeIds) {
      for (const b of this.nodeIds) {
        const ga = groupOf.get(a);
        if (a !== b && (ga === undefined || ga !== groupOf.get(b))) this.cuts.add(linkKey(a, b));
      }
    }
  }

  /** Cuts every link of `id` both ways; with `clients`, the clients cannot reach it either. */
  isolate(id: NodeId, clients: boolean): void {
    this.checkNode(id);
    for (const other of this.nodeIds) {
      if (other === id) continue;
      this.cuts.add(linkKey(id, other));
      this.cuts.add(linkKey(other, id));
    }
    if (clients) this.clientCuts.add(id);
  }

  /** Repairs every link of `id`, both ways, clients included. */
  rejoin(id: NodeId): void {
    this.checkNode(id);
    for (const other of this.nodeIds) {
      this.cuts.delete(linkKey(id, other));
      this.cuts.delete(linkKey(other, id));
    }
    this.clientCuts.delete(id);
  }

  /** One way: `cut` true means messages from `from` to `to` are lost. */
  setLink(from: NodeId, to: NodeId, cut: boolean): void {
    this.checkNode(from);
    this.checkNode(to);
    assert(from !== to, 'a node always reaches itself');
    if (cut) this.cuts.add(linkKey(from, to));
    else this.cuts.delete(linkKey(from, to));
  }

  heal(): void {
    this.cuts.clear();
    this.clientCuts.clear();
  }

  canReach(from: NodeId | string, to: NodeId | string): boolean {
    if (typeof from === 'number' && typeof to === 'number') return !this.cuts.has(linkKey(from, to));
    if (typeof from === 'number') return !this.clientCuts.has(from);
    if (typeof to === 'number') return !this.clientCuts.has(to);
    return true;
  }

  isPartitioned(): boolean {
    return this.cuts.size > 0 || this.clientCuts.size > 0;
  }

  /** cut[from][to] for every pair of nodes. */
  cutMatrix(): Record<NodeId, Record<NodeId, boolean>> {
    const matrix: Record<NodeId, Record<NodeId, boolean>> = {};
    for (const a of this.nodeIds) {
      const row: Record<NodeId, boolean> = {};
      for (const b of this.nodeIds) row[b] = this.cuts.has(linkKey(a, b));
      matrix[a] = row;
    }
    return matrix;
  }

  /** Gives the link from -> to its own delay range (undefined: back to the network's range). */
  setLinkDelay(from: NodeId, to: NodeId, delayMs: [number, number] | undefined): void {
    this.checkNode(from);
    this.checkNode(to);
    if (delayMs === undefined) {
      this.delays.delete(linkKey(from, to));
      return;
    }
    validateDelay(delayMs, this.wholeMs);
    this.delays.set(linkKey(from, to), [delayMs[0], delayMs[1]]);
  }

  /** The link's own delay range, if it has one (client links never do). */
  linkDelay(from: NodeId | string, to: NodeId | string): [number, number] | undefined {
    return typeof from === 'number' && typeof to === 'number' ? this.delays.get(linkKey(from, to)) : undefined;
  }

  /** The links with their own delay range, as [from, to, [min, max]]. */
  linkDelayList(): [NodeId, NodeId, [number, number]][] {
    return [...this.delays].map(([key, range]) => [Math.floor(key / LINK_BASE), key % LINK_BASE, [range[0], range[1]]]);
  }

  private checkNode(id: NodeId): void {
    assert(this.nodeIds.includes(id), `no node ${id} (nodes are ${this.nodeIds.join(', ')})`);
  }
}

function linkKey(from: NodeId, to: NodeId): number {
  return from * LINK_BASE + to;
}

/**
 * Throws RangeError with a message the page can show. The simulator's clock counts whole
 * milliseconds (`wholeMs`); the page's timers take any finite delay.
 */
export function validateNetwork(n: NetworkShape, wholeMs: boolean): void {
  if (!(n.dropRate >= 0 && n.dropRate <= 1)) throw new RangeError(`dropRate must be in [0, 1], got ${n.dropRate}`);
  if (!(n.duplicateRate >= 0 && n.duplicateRate <= 1)) throw new RangeError(`duplicateRate must be in [0, 1], got ${n.duplicateRate}`);
  validateDelay(n.delayMs, wholeMs);
}

function validateDelay([min, max]: [number, number], wholeMs: boolean): void {
  const ok = wholeMs ? Number.isInteger(min) && Number.isInteger(max) : Number.isFinite(min) && Number.isFinite(max);
  if (!(ok && min >= 0 && max >= min)) {
    throw new RangeError(`delayMs must be ${wholeMs ? 'whole milliseconds ' : ''}[min, max] with 0 <= min <= max, got [${min}, ${max}]`);
  }
}
