import { describe, expect, it } from 'vitest';
import type { InFlightMessage } from '../../runtime/cluster-api.ts';
import { DROP_LINGER_MS, Flights, progress } from './flights.ts';

function msg(id: number, partial: Partial<InFlightMessage> = {}): InFlightMessage {
  return { id, from: 1, to: 2, type: 'Heartbeat', term: 1, sentAt: 0, dueAt: 100, summary: {}, rejected: false, ...partial };
}

const positions = new Map<number | string, { x: number; y: number }>([[1, { x: 0, y: 0 }], [2, { x: 100, y: 0 }], ['console', { x: 50, y: 50 }]]);
const at = (e: number | string) => positions.get(e);

describe('Flights', () => {
  it('interpolates a message along its link by time', () => {
    const f = new Flights();
    f.apply([{ kind: 'sent', at: 0, message: msg(1) }]);
    const [s] = f.sprites(50, at, 10);
    expect(s!.x).toBeCloseTo(50, 0);
    expect(s!.kind).toBe('heartbeat');
    expect(f.sprites(150, at, 10)[0]!.x).toBeCloseTo(100, 0);
  });

  it('removes a delivered message, keeps it for the inspector', () => {
    const f = new Flights();
    f.apply([{ kind: 'sent', at: 0, message: msg(1) }, { kind: 'delivered', at: 100, id: 1 }]);
    expect(f.sprites(100, at, 10)).toEqual([]);
    expect(f.get(1)?.state).toBe('delivered');
  });

  it('a dropped message lingers where it died, fading, then goes', () => {
    const f = new Flights();
    f.apply([{ kind: 'sent', at: 0, message: msg(1) }, { kind: 'dropped', at: 50, id: 1, reason: 'loss' }]);
    const [s] = f.sprites(60, at, 10);
    expect(s!.dropped).toBe(true);
    expect(s!.x).toBeCloseTo(50, 0);
    expect(s!.opacity).toBeGreaterThan(0.9);
    expect(f.sprites(50 + DROP_LINGER_MS / 2, at, 10)[0]!.opacity).toBeCloseTo(0.5, 1);
    expect(f.sprites(50 + DROP_LINGER_MS + 1, at, 10)).toEqual([]);
    expect(f.get(1)?.dropReason).toBe('loss');
  });

  it('reconciles timing from the snapshot and ends messages it no longer lists', () => {
    const f = new Flights();
    f.apply([{ kind: 'sent', at: 0, message: msg(1) }, { kind: 'sent', at: 0, message: msg(2) }]);
    f.reconcile([msg(1, { sentAt: 1000, dueAt: 1100 })], 500);
    expect(f.flying().map((m) => m.id)).toEqual([1]);
    expect(f.sprites(1050, at, 10)[0]!.x).toBeCloseTo(50, 0);
    f.reconcile([msg(3)], 600);
    expect(f.flying().map((m) => m.id)).toEqual([3]);
  });

  it('draws at most max sprites and tracks client messages', () => {
    const f = new Flights();
    const events = Array.from({ length: 20 }, (_, k) => ({ kind: 'sent' as const, at: 0, message: msg(k + 1, { from: 'console', to: 2, type: 'ClientRequest' }) }));
    f.apply(events);
    const sprites = f.sprites(50, at, 5);
    expect(sprites).toHaveLength(5);
    expect(sprites[0]!.kind).toBe('client');
  });

  it('progress clamps and handles zero-length flights', () => {
    expect(progress(msg(1), -10)).toBe(0);
    expect(progress(msg(1), 1000)).toBe(1);
    expect(progress(msg(1, { dueAt: 0 }), 0)).toBe(1);
  });
});
