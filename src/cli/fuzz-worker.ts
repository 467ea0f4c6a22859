/**
 * A fuzz worker thread (started by src/cli/fuzz-pool.ts): runs the seeds it is sent, one at a
 * time, and answers each with a SeedResult.
 */
import { parentPort } from 'node:worker_threads';
import { assert } from '../core/assert.ts';
import type { SeedRequest } from './fuzz-pool.ts';
import { toSeedResult } from '../fuzz/fuzz-seed-result.ts';
import { runScenario } from '../fuzz/run-scenario.ts';

const port = parentPort;
assert(port !== null, 'fuzz-worker.ts runs as a worker thread');
port.on('message', (request: SeedRequest) => {
  port.postMessage(toSeedResult(runScenario(request.scenario)));
});
