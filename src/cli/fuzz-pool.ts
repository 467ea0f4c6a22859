/**
 * Runs many seeds: in worker threads, one per core, each pulling the next seed when it is done
 * (runs vary a lot in length, so a static split would leave a core idle), or inline in this
 * thread (tests, one worker). Results come back as small SeedResults, in completion order.
 *
 * Workers run TypeScript: the worker is started from a tiny JavaScript module that registers
 * tsx's loader and then imports the worker file. (`new Worker(url, { execArgv: ['--import',
 * 'tsx'] })` does not work on Node 20: the loader is not applied to the worker's entry file.)
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { assert } from '../core/assert.ts';
import { toSeedResult, workerDiedResult, type SeedResult } from '../fuzz/fuzz-seed-result.ts';
import { runScenario, type ScenarioOptions } from '../fuzz/run-scenario.ts';

/** What a worker is asked: one seed of this scenario. */
export interface SeedRequest {
  scenario: ScenarioOptions;
}

export interface RunSeedsOptions {
  seeds: readonly number[];
  scenario: Omit<ScenarioOptions, 'seed'>;
  /** Called once per seed, as results arrive. */
  onResult(result: SeedResult): void;
}

export type SeedRunner = (options: RunSeedsOptions) => Promise<void>;

export function defaultWorkerCount(): number {
  return availableParallelism();
}

/** One seed after another in this thread. */
export const runSeedsInline: SeedRunner = async ({ seeds, scenario, onResult }) => {
  for (const seed of seeds) {
    onResult(toSeedResult(runScenario({ ...scenario, seed })));
    // Let timers and output flush between seeds (the progress display runs on this thread).
    await new Promise((resolve) => setImmediate(resolve));
  }
};

/** A SeedRunner that spreads the seeds over `workers` threads running `workerUrl`. */
export function workerSeedRunner(workerUrl: URL, workers: number): SeedRunner {
  assert(workers >= 1, 'at least one worker');
  return ({ seeds, scenario, onResult }) => {
    const queue = [...seeds];
    const lanes = Array.from({ length: Math.min(workers, queue.length) }, () => runLane(workerUrl, queue, scenario, onResult));
    return Promise.all(lanes).then(() => undefined);
  };
}

/**
 * One worker's lane: feeds it seeds from the shared queue until the queue is empty. A worker that
 * dies takes only its current seed with it (reported as a failure); a new one takes over.
 */
async function runLane(workerUrl: URL, queue: number[], scenario: RunSeedsOptions['scenario'], onResult: (r: SeedResult) => void): Promise<void> {
  while (queue.length > 0) {
    const died = await drain(startWorker(workerUrl), queue, scenario, onResult);
    if (died !== undefined) onResult(workerDiedResult(died.scenario, died.why));
  }
}

function startWorker(workerUrl: URL): Worker {
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(workerUrl.href)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

/** Runs seeds on one worker until the queue is empty (undefined) or the worker dies (its seed and why). */
function drain(
  worker: Worker, queue: number[], scenario: RunSeedsOptions['scenario'], onResult: (r: SeedResult) => void,
): Promise<{ scenario: ScenarioOptions; why: string } | undefined> {
  return new Promise((resolve) => {
    let current: ScenarioOptions | undefined;
    let why = 'it exited';
    const next = (): void => {
      const seed = queue.shift();
      current = seed === undefined ? undefined : { ...scenario, seed };
      if (current === undefined) void worker.terminate();
      else worker.postMessage({ scenario: current } satisfies SeedRequest);
    };
    worker.on('message', (result: SeedResult) => {
      onResult(result);
      next();
    });
    worker.on('error', (error) => {
      why = error.message;
    });
    worker.on('exit', () => resolve(current === undefined ? undefined : { scenario: current, why }));
    next();
  });
}
