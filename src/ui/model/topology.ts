/**
 * The network as the picture shows it: which nodes sit together (groups), and the state of each
 * link between two nodes (open, cut both ways, or cut one way). Derived from the snapshot's
 * directed cut matrix. Pure.
 */
import type { NodeId } from '../../core/types.ts';

export type CutMatrix = Record<NodeId, Record<NodeId, boolean>>;

/** A pair of nodes, a < b, and which directions are cut. */
export interface LinkState {
  a: NodeId;
  b: NodeId;
  /** a -> b is cut. */
  cutAB: boolean;
  /** b -> a is cut. */
  cutBA: boolean;
}

export function isCut(cut: CutMatrix, from: NodeId, to: NodeId): boolean {
  return cut[from]?.[to] === true;
}

export function links(ids: readonly NodeId[], cut: CutMatrix): LinkState[] {
  const out: LinkState[] = [];
  const sorted = [...ids].sort((x, y) => x - y);
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length; j++) {
      const a = sorted[i]!;
      const b = sorted[j]!;
      out.push({ a, b, cutAB: isCut(cut, a, b), cutBA: isCut(cut, b, a) });
    }
  }
  return out;
}

/**
 * Groups: nodes joined by links open in both directions, transitively (union-find). Sorted by
 * their smallest id, members ascending. With no cuts there is one group.
 */
export function groupsOf(ids: readonly NodeId[], cut: CutMatrix): NodeId[][] {
  const parent = new Map<NodeId, NodeId>(ids.map((id) => [id, id]));
  const find = (x: NodeId): NodeId => {
    let root = x;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  for (const link of links(ids, cut)) {
    if (link.cutAB || link.cutBA) continue;
    const ra = find(link.a);
    const rb = find(link.b);
    if (ra !== rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
  const byRoot = new Map<NodeId, NodeId[]>();
  for (const id of [...ids].sort((x, y) => x - y)) {
    const root = find(id);
    byRoot.set(root, [...(byRoot.get(root) ?? []), id]);
  }
  return [...byRoot.values()].sort((x, y) => x[0]! - y[0]!);
}

export function anyCut(cut: CutMatrix): boolean {
  return Object.values(cut).some((row) => Object.values(row).some(Boolean));
}

/** The groups after moving `id` into `target` (an index into groups), or into a group of its own (-1). */
export function moveNode(groups: readonly NodeId[][], id: NodeId, target: number): NodeId[][] {
  const targetMembers = target >= 0 ? groups[target] : undefined;
  const without = groups.map((g) => g.filter((x) => x !== id));
  const next = targetMembers === undefined
    ? [...without, [id]]
    : without.map((g, k) => (k === target ? [...g, id].sort((x, y) => x - y) : g));
  return next.filter((g) => g.length > 0).sort((x, y) => x[0]! - y[0]!);
}

/** "{1, 2} | {3, 4, 5}" for announcements and labels. */
export function describeGroups(groups: readonly NodeId[][]): string {
  return groups.map((g) => `{${g.join(', ')}}`).join(' | ');
}
