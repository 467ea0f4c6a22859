/**
 * `npm run fuzz -- --seeds 1000 [--from S] [--bug NAME] [--list-bugs]`: many seeded simulations
 * in parallel on every core. The logic is src/cli/fuzz-command.ts; this file only connects it to
 * the process (worker threads running src/cli/fuzz-worker.ts, the terminal).
 */
import { runFuzzCommand } from './fuzz-command.ts';
import { defaultWorkerCount, workerSeedRunner } from './fuzz-pool.ts';
import { barProgress, plainProgress } from './fuzz-progress.ts';

const workerUrl = new URL('./fuzz-worker.ts', import.meta.url);

process.exitCode = await runFuzzCommand(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  runner: (workers) => workerSeedRunner(workerUrl, workers),
  progress: (total) => (process.stderr.isTTY ? barProgress(total, process.stderr) : plainProgress(total, (line) => console.error(line))),
  defaultWorkers: defaultWorkerCount(),
});
