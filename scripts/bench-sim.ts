/**
 * How fast the Simulation runs: simulated milliseconds per wall-clock millisecond for a 5-node
 * cluster with 10 clients that always have an operation outstanding. Median of several runs.
 *
 *   npm run bench:sim [-- --runs 5 --virtual-ms 60000]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { Simulation } from '../src/sim/index.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'virtual-ms': { type: 'string', default: '60000' },
  },
});
const runs = Number(values.runs);
const virtualMs = Number(values['virtual-ms']);
if (!(runs >= 1 && virtualMs >= 1000)) {
  console.error('usage: npm run bench:sim -- [--runs N>=1] [--virtual-ms MS>=1000]');
  process.exit(2);
}

interface Sample {
  speedup: number;
  opsPerVirtualSecond: number;
  eventsPerWallSecond: number;
}

function once(seed: number, invariants: boolean): Sample {
  const sim = new Simulation({ nodes: 5, seed, invariants });
  const clients = Array.from({ length: 10 }, () => sim.client());
  let n = 0;
  const keepBusy = (): void => {
    for (const c of clients) {
      if (c.busy()) continue;
      const key = `k${n % 20}`;
      if (n % 3 === 0) c.get(key);
      else c.set(key, `v${n}`);
      n++;
    }
  };
  const start = performance.now();
  const stepMs = 5;
  for (let t = 0; t < virtualMs; t += stepMs) {
    keepBusy();
    sim.runFor(stepMs);
  }
  const wallMs = performance.now() - start;
  const done = sim.history().ops.filter((op) => op.return !== undefined).length;
  return { speedup: virtualMs / wallMs, opsPerVirtualSecond: (done * 1000) / virtualMs, eventsPerWallSecond: (sim.stats().events * 1000) / wallMs };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const results: Record<string, { speedupMedian: number; speedups: number[]; opsPerVirtualSecond: number; eventsPerWallSecond: number }> = {};
for (const invariants of [true, false]) {
  once(1, invariants); // warm-up: JIT
  const samples = Array.from({ length: runs }, (_, k) => once(k + 1, invariants));
  const label = invariants ? 'with invariants' : 'without invariants';
  results[label] = {
    speedupMedian: median(samples.map((s) => s.speedup)),
    speedups: samples.map((s) => Math.round(s.speedup)),
    opsPerVirtualSecond: median(samples.map((s) => s.opsPerVirtualSecond)),
    eventsPerWallSecond: median(samples.map((s) => s.eventsPerWallSecond)),
  };
  console.log(
    `${label.padEnd(20)} ${results[label].speedupMedian.toFixed(0).padStart(6)}x real time (median of ${runs}: ${results[label].speedups.join(', ')}), ` +
      `${results[label].opsPerVirtualSecond.toFixed(0)} client ops per simulated second, ${(results[label].eventsPerWallSecond / 1000).toFixed(0)}k events/s`,
  );
}
console.log(JSON.stringify({ nodes: 5, clients: 10, virtualMs, runs, results }));
