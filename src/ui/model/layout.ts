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
  /** The centre of the group's caption: near the group, clear of every node and label, inside the view. */
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
  const client = { x: cx, y: cy };
  const islands = split ? placeIslands(groups, nodes, client, r, width, height, count) : [];
  return { width, height, nodeRadius: r, nodes, client, islands };
}

/** Half the size of an island caption ("minority (3 of 7)", 12px bold), with a little air. */
export const CAPTION_HALF_WIDTH = 66;
export const CAPTION_HALF_HEIGHT = 9;
/** Half the width of a node's role label ("pre-candidate", "✕ crashed") under its circle. */
const ROLE_LABEL_HALF_WIDTH = 50;
/** Captions are tried on a grid this fine (px); layouts change rarely, so this is cheap. */
const CAPTION_GRID_PX = 6;

export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** What a caption must not cover: each node's circle (with timer arc and votes) and role label. */
export function nodeBoxes(p: Point, r: number): Box[] {
  const ring = r + 8;
  return [
    { x0: p.x - ring, y0: p.y - r - 10, x1: p.x + ring, y1: p.y + r + 8 },
    { x0: p.x - ROLE_LABEL_HALF_WIDTH, y0: p.y + r + 8, x1: p.x + ROLE_LABEL_HALF_WIDTH, y1: p.y + r + 28 },
  ];
}

export function captionBox(at: Point): Box {
  return { x0: at.x - CAPTION_HALF_WIDTH, y0: at.y - CAPTION_HALF_HEIGHT, x1: at.x + CAPTION_HALF_WIDTH, y1: at.y + CAPTION_HALF_HEIGHT };
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

function placeIslands(groups: readonly NodeId[][], nodes: Map<NodeId, Point>, client: Point, r: number, width: number, height: number, count: number): Island[] {
  const blocked: Box[] = [...nodes.values()].flatMap((p) => nodeBoxes(p, r));
  blocked.push({ x0: client.x - 34, y0: client.y - 16, x1: client.x + 34, y1: client.y + 16 });
  return groups.map((members) => {
    const points = members.map((id) => nodes.get(id)!);
    const labelAt = captionAt(members, points, nodes, client, r, { width, height, blocked });
    blocked.push(captionBox(labelAt));
    return { members: [...members], path: islandPath(points), labelAt, majority: members.length * 2 > count };
  });
}

/**
 * The caption's centre: the free spot (inside the view, covering no node, role label, client box
 * or earlier caption, and nearer to this group than to any other) closest to the ideal place just
 * beyond the group's outermost node, away from the centre. Captions placed only at the ideal spot
 * overlapped node labels and were cut by the view's edge.
 */
function captionAt(members: readonly NodeId[], points: Point[], nodes: Map<NodeId, Point>, center: Point, r: number, view: { width: number; height: number; blocked: Box[] }): Point {
  const ideal = idealCaption(points, center, r);
  const own = new Set(members);
  let best: Point | undefined;
  let bestDistance = Infinity;
  for (let y = CAPTION_HALF_HEIGHT + 2; y <= view.height - CAPTION_HALF_HEIGHT - 2; y += CAPTION_GRID_PX) {
    for (let x = CAPTION_HALF_WIDTH + 2; x <= view.width - CAPTION_HALF_WIDTH - 2; x += CAPTION_GRID_PX) {
      const d = Math.hypot(x - ideal.x, y - ideal.y);
      if (d >= bestDistance) continue;
      const at = { x, y };
      const box = captionBox(at);
      if (view.blocked.some((b) => boxesOverlap(box, b)) || !nearestIsOwn(at, nodes, own)) continue;
      best = at;
      bestDistance = d;
    }
  }
  return best ?? {
    x: Math.min(view.width - CAPTION_HALF_WIDTH, Math.max(CAPTION_HALF_WIDTH, ideal.x)),
    y: Math.min(view.height - CAPTION_HALF_HEIGHT, Math.max(CAPTION_HALF_HEIGHT, ideal.y)),
  };
}

/** Beyond the group's outermost node, away from the centre (may lie outside the view). */
function idealCaption(points: Point[], center: Point, r: number): Point {
  const mx = points.reduce((s, p) => s + p.x, 0) / points.length;
  const my = points.reduce((s, p) => s + p.y, 0) / points.length;
  const length = Math.hypot(mx - center.x, my - center.y) || 1;
  const ux = (mx - center.x) / length;
  const uy = (my - center.y) / length;
  const reach = Math.max(...points.map((p) => (p.x - center.x) * ux + (p.y - center.y) * uy));
  const distance = reach + r + 30;
  return { x: center.x + ux * distance, y: center.y + uy * distance };
}

/** A caption reads as belonging to the group whose node is nearest to it. */
function nearestIsOwn(at: Point, nodes: Map<NodeId, Point>, own: ReadonlySet<NodeId>): boolean {
  let nearest: NodeId | undefined;
  let nearestDistance = Infinity;
  for (const [id, p] of nodes) {
    const d = Math.hypot(p.x - at.x, p.y - at.y);
    if (d < nearestDistance) {
      nearest = id;
      nearestDistance = d;
    }
  }
  return nearest !== undefined && own.has(nearest);
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
