/**
 * Where things are drawn in the cluster view. Nodes sit on a ring; when the network is split,
 * each group's nodes are placed next to each other and the groups are pulled apart, so the
 * partition is visible at a glance. D3 does the geometry (hulls, interpolation). Pure.
 */
import { interpolateNumber, polygonHull } from 'd3';
import type { NodeId } from '../../core/types.ts';

export interface Point {
  x: number;
  y: number;
}

export interface Island {
  members: NodeId[];
  /** Path through the member positions (their hull), stroked thick to make a rounded island. */
  path: string;
  /** Where the group's caption goes: outside the group, away from the centre. */
  labelAt: Point;
  /** More than half of all nodes: this side can elect a leader and commit. */
  majority: boolean;
}

export interface Layout {
  width: number;
  height: number;
  nodeRadius: number;
  nodes: Map<NodeId, Point>;
  /** Where the console client is drawn. */
  client: Point;
  islands: Island[];
}

/** Space kept around the ring for labels under nodes and vote markers. */
const MARGIN = 34;

export function nodeRadiusFor(width: number, height: number, count: number): number {
  const byArea = Math.min(width, height) / (count > 5 ? 13 : 11);
  return Math.max(16, Math.min(30, byArea));
}

export function computeLayout(groups: readonly NodeId[][], width: number, height: number): Layout {
  const count = groups.reduce((sum, g) => sum + g.length, 0);
  const r = nodeRadiusFor(width, height, count);
  const cx = width / 2;
  const cy = height / 2;
  const split = groups.length > 1;
  const explode = split ? Math.min(width, height) * 0.09 : 0;
  const ringRadius = Math.max(r * 1.5, Math.min(width, height) / 2 - r - MARGIN - explode);
  const slots = count + (split ? groups.length : 0);
  const nodes = new Map<NodeId, Point>();
  let slot = split ? 0.5 : 0;
  for (const group of groups) {
    const first = slot;
    const angles = group.map(() => angleOf(slot++, slots));
    if (split) slot++;
    const mid = angleOf(first + (group.length - 1) / 2, slots);
    const dx = Math.cos(mid) * explode;
    const dy = Math.sin(mid) * explode;
    group.forEach((id, k) => {
      const a = angles[k]!;
      nodes.set(id, { x: cx + Math.cos(a) * ringRadius + dx, y: cy + Math.sin(a) * ringRadius + dy });
    });
  }
  const islands = split
    ? groups.map((members) => {
      const points = members.map((id) => nodes.get(id)!);
      return { members: [...members], path: islandPath(points), labelAt: captionAt(points, { x: cx, y: cy }, r, width, height), majority: members.length * 2 > count };
    })
    : [];
  return { width, height, nodeRadius: r, nodes, client: { x: cx, y: cy }, islands };
}

/** Beyond the group's outermost node, away from the centre, kept inside the view. */
function captionAt(points: Point[], center: Point, r: number, width: number, height: number): Point {
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const length = Math.hypot(mx - center.x, my - center.y) || 1;
  const ux = (mx - center.x) / length;
  const uy = (my - center.y) / length;
  const reach = Math.max(...points.map((p) => (p.x - center.x) * ux + (p.y - center.y) * uy));
  const distance = reach + r + 30;
  return {
    x: Math.min(width - 60, Math.max(60, center.x + ux * distance)),
    y: Math.min(height - 8, Math.max(12, center.y + uy * distance)),
  };
}

function angleOf(slot: number, slots: number): number {
  return -Math.PI / 2 + (2 * Math.PI * slot) / Math.max(1, slots);
}

export function islandPath(points: Point[]): string {
  const pairs = points.map((p) => [p.x, p.y] as [number, number]);
  const hull = pairs.length >= 3 ? (polygonHull(pairs) ?? pairs) : pairs;
  if (hull.length === 0) return '';
  return `M${hull.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join('L')}Z`;
}

/** Positions part-way between two layouts (t in [0, 1]), for the move when groups change. */
export function tweenPositions(from: Map<NodeId, Point>, to: Map<NodeId, Point>, t: number): Map<NodeId, Point> {
  const out = new Map<NodeId, Point>();
  for (const [id, end] of to) {
    const start = from.get(id) ?? end;
    out.set(id, { x: interpolateNumber(start.x, end.x)(t), y: interpolateNumber(start.y, end.y)(t) });
  }
  return out;
}

/** The point a fraction `t` of the way from a to b, shifted sideways so the two directions do not overlap. */
export function alongLink(a: Point, b: Point, t: number, sideways: number): Point {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const nx = -dy / length;
  const ny = dx / length;
  return { x: a.x + dx * t + nx * sideways, y: a.y + dy * t + ny * sideways };
}

/** The segment between two node circles (not centre to centre), shortened by each radius. */
export function linkSegment(a: Point, b: Point, radius: number): [Point, Point] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const length = Math.hypot(dx, dy) || 1;
  const ux = dx / length;
  const uy = dy / length;
  return [{ x: a.x + ux * radius, y: a.y + uy * radius }, { x: b.x - ux * radius, y: b.y - uy * radius }];
}

/** The nearest node to p within `reach`, if any. */
export function nodeNear(nodes: Map<NodeId, Point>, p: Point, reach: number, except?: NodeId): NodeId | undefined {
  let best: NodeId | undefined;
  let bestDistance = reach;
  for (const [id, q] of nodes) {
    if (id === except) continue;
    const d = Math.hypot(q.x - p.x, q.y - p.y);
    if (d <= bestDistance) {
      best = id;
      bestDistance = d;
    }
  }
  return best;
}
