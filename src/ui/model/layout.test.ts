import { describe, expect, it } from 'vitest';
import { alongLink, boxesOverlap, captionBox, computeLayout, linkSegment, nodeBoxes, nodeNear, tweenPositions } from './layout.ts';

const dist = (a: { x: number; y: number }, b: { x: number; y: number }) => Math.hypot(a.x - b.x, a.y - b.y);

describe('computeLayout', () => {
  it('puts one group on a ring inside the box, node 1 at the top', () => {
    const layout = computeLayout([[1, 2, 3, 4, 5]], 600, 440);
    expect(layout.nodes.size).toBe(5);
    const center = { x: 300, y: 220 };
    const radii = [...layout.nodes.values()].map((p) => dist(p, center));
    for (const r of radii) expect(r).toBeCloseTo(radii[0]!, 6);
    const one = layout.nodes.get(1)!;
    expect(one.x).toBeCloseTo(300, 6);
    expect(one.y).toBeLessThan(220);
    for (const p of layout.nodes.values()) {
      expect(p.x - layout.nodeRadius).toBeGreaterThanOrEqual(0);
      expect(p.y - layout.nodeRadius).toBeGreaterThanOrEqual(0);
      expect(p.x + layout.nodeRadius).toBeLessThanOrEqual(600);
      expect(p.y + layout.nodeRadius).toBeLessThanOrEqual(440);
    }
    expect(layout.islands).toEqual([]);
  });

  it('keeps nodes from overlapping for 7 nodes on a phone-sized view', () => {
    const layout = computeLayout([[1, 2, 3, 4, 5, 6, 7]], 360, 340);
    const points = [...layout.nodes.values()];
    for (let i = 0; i < points.length; i++) {
      for (let j = i + 1; j < points.length; j++) expect(dist(points[i]!, points[j]!)).toBeGreaterThan(2 * layout.nodeRadius);
    }
  });

  it('draws groups apart: members closer to each other than to the other group', () => {
    const layout = computeLayout([[1, 2], [3, 4, 5]], 600, 440);
    const p = (id: number) => layout.nodes.get(id)!;
    const gap = Math.min(...[1, 2].flatMap((a) => [3, 4, 5].map((b) => dist(p(a), p(b)))));
    expect(dist(p(1), p(2))).toBeLessThan(gap);
    expect(dist(p(3), p(4))).toBeLessThan(gap);
    expect(layout.islands).toHaveLength(2);
    expect(layout.islands.map((i) => i.majority)).toEqual([false, true]);
    for (const island of layout.islands) {
      expect(island.labelAt.x).toBeGreaterThanOrEqual(0);
      expect(island.labelAt.x).toBeLessThanOrEqual(600);
      expect(island.labelAt.y).toBeGreaterThanOrEqual(0);
      expect(island.labelAt.y).toBeLessThanOrEqual(440);
    }
    expect(layout.islands[1]!.path).toMatch(/^M.*Z$/);
  });

  it('tweens positions between layouts', () => {
    const a = computeLayout([[1, 2, 3]], 400, 400).nodes;
    const b = computeLayout([[1, 2], [3]], 400, 400).nodes;
    const mid = tweenPositions(a, b, 0.5);
    expect(mid.get(3)!.x).toBeCloseTo((a.get(3)!.x + b.get(3)!.x) / 2, 6);
    expect(tweenPositions(a, b, 1).get(3)).toEqual(b.get(3));
  });
});

describe('island captions (#17 item 7)', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
  const splits = (n: number) => ({
    isolated: [[1], ids(n).slice(1)],
    'two and the rest': [[1, 2], ids(n).slice(2)],
    'the rest and two': [ids(n).slice(2), [1, 2]],
    'three ways': n >= 5 ? [[1], [2, 3], ids(n).slice(3)] : [[1], [2], [3]],
  });
  for (const [width, height] of [[640, 440], [844, 440], [520, 400], [390, 360]] as const) {
    for (const n of [3, 5, 7]) {
      for (const [name, groups] of Object.entries(splits(n))) {
        it(`${n} nodes, ${name}, ${width}×${height}: inside the view, clear of every node, label and other caption`, () => {
          const layout = computeLayout(groups, width, height);
          const nodes = [...layout.nodes.values()].flatMap((p) => nodeBoxes(p, layout.nodeRadius));
          const captions = layout.islands.map((i) => captionBox(i.labelAt));
          captions.forEach((box, k) => {
            expect(box.x0).toBeGreaterThanOrEqual(0);
            expect(box.y0).toBeGreaterThanOrEqual(0);
            expect(box.x1).toBeLessThanOrEqual(width);
            expect(box.y1).toBeLessThanOrEqual(height);
            expect(nodes.filter((b) => boxesOverlap(box, b))).toEqual([]);
            for (const other of captions.slice(k + 1)) expect(boxesOverlap(box, other)).toBe(false);
          });
        });
      }
    }
  }
});

describe('geometry helpers', () => {
  it('alongLink interpolates and shifts sideways', () => {
    expect(alongLink({ x: 0, y: 0 }, { x: 10, y: 0 }, 0.5, 0)).toEqual({ x: 5, y: 0 });
    const shifted = alongLink({ x: 0, y: 0 }, { x: 10, y: 0 }, 0.5, 2);
    expect(shifted.x).toBeCloseTo(5);
    expect(Math.abs(shifted.y)).toBeCloseTo(2);
    // The two directions of a link are shifted to opposite sides.
    const back = alongLink({ x: 10, y: 0 }, { x: 0, y: 0 }, 0.5, 2);
    expect(Math.sign(back.y)).toBe(-Math.sign(shifted.y));
  });

  it('linkSegment stops at the circles', () => {
    const [s, e] = linkSegment({ x: 0, y: 0 }, { x: 100, y: 0 }, 10);
    expect(s).toEqual({ x: 10, y: 0 });
    expect(e).toEqual({ x: 90, y: 0 });
  });

  it('nodeNear finds the closest node within reach', () => {
    const nodes = new Map([[1, { x: 0, y: 0 }], [2, { x: 50, y: 0 }]]);
    expect(nodeNear(nodes, { x: 45, y: 0 }, 20)).toBe(2);
    expect(nodeNear(nodes, { x: 25, y: 30 }, 20)).toBeUndefined();
    expect(nodeNear(nodes, { x: 45, y: 0 }, 20, 2)).toBeUndefined();
  });
});
