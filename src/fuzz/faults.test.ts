import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_TIMING, FAULT_KINDS, FaultSchedule, describeFaultStep, type FaultKind, type FaultScheduleOptions } from './faults.ts';

const options = (faults: readonly FaultKind[] = FAULT_KINDS, nodes = 5): FaultScheduleOptions => ({ nodes, faults, ...DEFAULT_FAULT_TIMING });

describe('FaultSchedule', () => {
  it('is a pure function of the seed', () => {
    const a = new FaultSchedule(7, options()).preview(30);
    const b = new FaultSchedule(7, options()).preview(30);
    const c = new FaultSchedule(8, options()).preview(30);
    expect(a.length).toBeGreaterThan(60);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('hands out each step once, in time order, as time passes', () => {
    const schedule = new FaultSchedule(3, options());
    const handed = [];
    for (let nowMs = 0; nowMs <= 20_000; nowMs += 5) handed.push(...schedule.until(nowMs));
    expect(handed.length).toBeGreaterThan(20);
    for (let k = 1; k < handed.length; k++) expect(handed[k]!.atMs).toBeGreaterThanOrEqual(handed[k - 1]!.atMs);
    expect(handed.every((s) => s.atMs <= 20_000)).toBe(true);
    expect(new FaultSchedule(3, options()).preview(200).slice(0, handed.length)).toEqual(handed);
  });

  it('ends every episode by healing, restarting everything and restoring the network (and the clocks, with drift)', () => {
    const steps = new FaultSchedule(11, options()).preview(40);
    const heals = steps.filter((s, k) => s.action.kind === 'heal' && steps[k + 1]?.action.kind === 'restart-all' && steps[k + 2]?.action.kind === 'network' && steps[k + 3]?.action.kind === 'clocks-true');
    expect(heals.length).toBeGreaterThanOrEqual(40);
    expect(steps.slice(-4).map((s) => s.action.kind)).toEqual(['heal', 'restart-all', 'network', 'clocks-true']);
    const noDrift = new FaultSchedule(11, options(['crash', 'partition'])).preview(5);
    expect(noDrift.slice(-3).map((s) => s.action.kind)).toEqual(['heal', 'restart-all', 'network']);
  });

  it('drift stays inside Raft\'s default maxClockDrift (10%)', () => {
    const rates = [];
    for (let seed = 1; seed <= 10; seed++) {
      for (const s of new FaultSchedule(seed, options(['drift'])).preview(20)) if (s.action.kind === 'clock') rates.push(s.action.rate);
    }
    expect(rates.length).toBeGreaterThan(20);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.91);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1.09);
  });

  it('uses only the enabled fault kinds', () => {
    const crashOnly = new FaultSchedule(5, options(['crash'])).preview(50).map((s) => s.action.kind);
    expect(crashOnly).toContain('crash');
    expect(crashOnly.some((k) => ['partition', 'isolate-leader', 'cut', 'figure-8'].includes(k))).toBe(false);
    const dropOnly = new FaultSchedule(5, options(['drop'])).preview(50);
    for (const step of dropOnly) {
      expect(['network', 'heal', 'restart-all']).toContain(step.action.kind);
      if (step.action.kind === 'network') {
        expect(step.action.network.duplicateRate).toBe(0);
        expect(step.action.network.delayMs).toEqual([1, 5]);
      }
    }
    expect(dropOnly.some((s) => s.action.kind === 'network' && s.action.network.dropRate > 0)).toBe(true);
    expect(new FaultSchedule(5, options([])).until(100_000)).toEqual([]);
  });

  it('covers every episode shape over a few seeds, including the choreographies', () => {
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 5; seed++) for (const s of new FaultSchedule(seed, options()).preview(40)) kinds.add(s.action.kind);
    for (const kind of ['crash', 'crash-leader', 'restart', 'partition', 'isolate-leader', 'cut', 'network', 'bounce-voters', 'figure-8', 'power-loss', 'clock', 'clocks-true', 'transfer-leadership', 'compact']) {
      expect(kinds).toContain(kind);
    }
  });

  it('keeps node ids in range for small clusters', () => {
    for (const nodes of [1, 2, 3]) {
      for (const step of new FaultSchedule(1, options(FAULT_KINDS, nodes)).preview(40)) {
        const a = step.action;
        const ids = a.kind === 'crash' || a.kind === 'restart' ? a.nodes : a.kind === 'partition' ? a.groups.flat() : a.kind === 'cut' ? a.links.flat()
          : a.kind === 'compact' ? [a.node] : [];
        for (const id of ids) expect(id >= 1 && id <= nodes).toBe(true);
        expect(describeFaultStep(step)).toMatch(/ms {2}\S/);
      }
    }
  });
});
