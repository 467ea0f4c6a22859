import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkHistory } from './check-history.ts';
import type { Explanation } from './explanation.ts';
import type { History, HistoryOp } from './history.ts';
import { bruteForceLinearizable } from './testing/brute-force.ts';

type Request = Pick<HistoryOp, 'op' | 'key' | 'value' | 'expected'>;
type Store = Map<string, string>;

const keyArb = fc.constantFrom('x', 'y', 'z');
/** Values are strings over {a, b, c}; NEVER_WRITTEN cannot be produced from them, even by appends. */
const valueArb = fc.constantFrom('a', 'b', 'c', 'ab');
const NEVER_WRITTEN = 'never written';

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  fc.record({ op: fc.constant('get' as const), key: keyArb }),
  fc.record({ op: fc.constant('set' as const), key: keyArb, value: valueArb }),
  fc.record({ op: fc.constant('del' as const), key: keyArb }),
  fc.record({ op: fc.constant('cas' as const), key: keyArb, expected: fc.option(valueArb, { nil: null }), value: valueArb }),
  fc.record({ op: fc.constant('append' as const), key: keyArb, value: valueArb }),
);

/** Applies a request to the store (mutating it) and returns the result a correct server gives. */
function applyRequest(request: Request, store: Store): NonNullable<HistoryOp['result']> {
  const current = store.get(request.key) ?? null;
  const write = (value: string | null): void => {
    if (value === null) store.delete(request.key);
    else store.set(request.key, value);
  };
  switch (request.op) {
    case 'get':
      return { ok: true, value: current };
    case 'set':
      write(request.value ?? null);
      return { ok: true };
    case 'append':
      write((current ?? '') + (request.value ?? ''));
      return { ok: true };
    case 'del':
      write(null);
      return { ok: true, value: current };
    case 'cas':
      if (current === request.expected) write(request.value ?? null);
      return { ok: current === request.expected, value: current };
  }
}

/** One operation after another: each returns before the next is called. */
function sequentialHistory(requests: readonly Request[]): History {
  const store: Store = new Map();
  const ops = requests.map((request, id): HistoryOp => {
    const result = applyRequest(request, store);
    return { id, client: `c${id % 3}`, ...request, call: 10 * id, return: 10 * id + 5, result };
  });
  return { ops };
}

function checked(h: History): ReturnType<typeof checkHistory> {
  return checkHistory(h, { timeBudgetMs: 20_000 });
}

describe('properties: sequential histories', () => {
  it('every sequential history from applying random operations to the model is linearizable', () => {
    fc.assert(
      fc.property(fc.array(requestArb, { maxLength: 80 }), (requests) => {
        expect(checked(sequentialHistory(requests)).verdict).toBe('linearizable');
      }),
      { numRuns: 300 },
    );
  });

  it('changing one read to a value never written makes it not linearizable, and the explanation points at it', () => {
    const withRead = fc
      .tuple(fc.array(requestArb, { maxLength: 60 }), fc.nat(), keyArb)
      .map(([requests, at, key]) => {
        const index = requests.length === 0 ? 0 : at % (requests.length + 1);
        return [...requests.slice(0, index), { op: 'get' as const, key }, ...requests.slice(index)];
      });
    fc.assert(
      fc.property(withRead, fc.nat(), (requests, pick) => {
        const h = sequentialHistory(requests);
        const reads = h.ops.filter((op) => op.op === 'get');
        const victim = reads[pick % reads.length]!;
        victim.result = { ok: true, value: NEVER_WRITTEN };
        const result = checked(h);
        expect(result.verdict).toBe('not-linearizable');
        if (result.verdict !== 'not-linearizable') return;
        const { key, prefix, blocked } = result.explanation;
        expect(key).toBe(victim.key);
        expect(blocked.map((b) => b.op.id)).toEqual([victim.id]);
        // Sequential: the prefix is every earlier operation on the key that the search keeps, in order.
        expect(prefix.map((p) => p.op.id)).toEqual(prefix.map((p) => p.op.id).sort((a, b) => a - b));
        expect(prefix.every((p) => p.op.id < victim.id && p.op.key === victim.key)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

/** An operation with its interval and, if it took effect, where. */
const timedArb = fc.record({
  request: requestArb,
  call: fc.integer({ min: 0, max: 100 }),
  duration: fc.integer({ min: 0, max: 30 }),
  pointFraction: fc.double({ min: 0, max: 1, noNaN: true }),
  unknown: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
  tookEffect: fc.boolean(),
});

type Timed = typeof timedArb extends fc.Arbitrary<infer T> ? T : never;

/**
 * A concurrent history made linearizable by construction: each operation takes effect at a
 * point inside its interval (or, when its outcome is left unknown, anywhere after its call, or
 * not at all), and results are what the model gives in the order of those points.
 */
function linearizableByConstruction(timed: readonly Timed[]): History {
  const points = timed.map((t) => {
    const span = t.unknown ? 60 : t.duration;
    return t.call + t.pointFraction * span;
  });
  const order = timed.map((_, i) => i).sort((a, b) => points[a]! - points[b]! || a - b);
  const store: Store = new Map();
  const results = new Map<number, HistoryOp['result']>();
  for (const i of order) {
    const t = timed[i]!;
    if (t.unknown && !t.tookEffect) continue;
    results.set(i, applyRequest(t.request, store));
  }
  const ops = timed.map((t, id): HistoryOp => {
    const base = { id, client: `c${id}`, ...t.request, call: t.call };
    return t.unknown ? base : { ...base, return: t.call + t.duration, result: results.get(id)! };
  });
  return { ops };
}

describe('properties: concurrent histories', () => {
  it('a history built from a real linearization, with unknown outcomes both ways, is linearizable', () => {
    fc.assert(
      fc.property(fc.array(timedArb, { maxLength: 40 }), (timed) => {
        expect(checked(linearizableByConstruction(timed)).verdict).toBe('linearizable');
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with a brute-force check of the definition on small random histories', () => {
    fc.assert(agreesWithBruteForce(randomResultOpArb(['a', 'b'], 2), 7), { numRuns: 1_000 });
  });

  it('agrees with the brute-force check when many unknown-outcome operations are identical', () => {
    fc.assert(agreesWithBruteForce(randomResultOpArb(['a'], 10), 8), { numRuns: 500 });
  });
});

/**
 * An operation with arbitrary (mostly wrong) results, on two keys and few values. With
 * `unknownWeight` high and one value, many operations are identical and of unknown outcome.
 */
function randomResultOpArb(values: readonly string[], unknownWeight: number): fc.Arbitrary<Omit<HistoryOp, 'id'>> {
  const value = fc.constantFrom(...values);
  const request: fc.Arbitrary<Request> = fc.oneof(
    fc.record({ op: fc.constant('get' as const), key: fc.constantFrom('x', 'y') }),
    fc.record({ op: fc.constant('set' as const), key: fc.constantFrom('x', 'y'), value }),
    fc.record({ op: fc.constant('del' as const), key: fc.constantFrom('x', 'y') }),
    fc.record({ op: fc.constant('cas' as const), key: fc.constantFrom('x', 'y'), expected: fc.option(value, { nil: null }), value }),
    fc.record({ op: fc.constant('append' as const), key: fc.constantFrom('x', 'y'), value }),
  );
  return fc
    .record({
      request,
      client: fc.constantFrom('c1', 'c2', 'c3'),
      call: fc.integer({ min: 0, max: 20 }),
      duration: fc.oneof(
        { arbitrary: fc.integer({ min: 0, max: 10 }), weight: 10 },
        { arbitrary: fc.constant(undefined), weight: unknownWeight },
      ),
      ok: fc.boolean(),
      seen: fc.option(fc.constantFrom<string | null>(null, ...values, values.join('')), { nil: undefined }),
    })
    .map(({ request, client, call, duration, ok, seen }) => {
      if (duration === undefined) return { client, ...request, call };
      const observed = request.op === 'get' ? (seen ?? null) : request.op === 'set' || request.op === 'append' ? undefined : seen;
      const swapped = request.op === 'cas' ? ok : true;
      const result = observed === undefined ? { ok: swapped } : { ok: swapped, value: observed };
      return { client, ...request, call, return: call + duration, result };
    });
}

function agreesWithBruteForce(opArb: fc.Arbitrary<Omit<HistoryOp, 'id'>>, maxLength: number): fc.IPropertyWithHooks<[Omit<HistoryOp, 'id'>[]]> {
  return fc.property(fc.array(opArb, { minLength: 1, maxLength }), (raw) => {
    const h: History = { ops: raw.map((op, id) => ({ ...op, id })) };
    const result = checked(h);
    expect(result.verdict).toBe(bruteForceLinearizable(h) ? 'linearizable' : 'not-linearizable');
    if (result.verdict === 'not-linearizable') expectCoherent(result.explanation);
  });
}

/** What every explanation must satisfy, whatever the history. */
function expectCoherent(explanation: Explanation): void {
  const { key, prefix, blocked, deadline } = explanation;
  expect(blocked.length).toBeGreaterThan(0);
  expect(blocked.map((b) => b.op)).toContain(deadline);
  expect(deadline.return).toBeDefined();
  for (const { op, reason } of blocked) {
    expect(op.key).toBe(key);
    expect(op.call).toBeLessThanOrEqual(deadline.return!);
    expect(reason).toMatch(/^it /);
  }
  const placed = new Set(prefix.map((p) => p.op.id));
  expect(placed.size).toBe(prefix.length);
  expect(blocked.some((b) => placed.has(b.op.id))).toBe(false);
}
