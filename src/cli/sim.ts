/**
 * `npm run sim -- --nodes 5 --seed 7 --ops 2000 --faults crash,partition,drop`: one deterministic
 * simulation with faults and checks. The logic is src/cli/fuzz-sim-command.ts; this file only
 * connects it to the process.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runSimCommand } from './fuzz-sim-command.ts';

// npm runs scripts from the package root; resolve --trace FILE against where the user typed the command.
const invokedFrom = process.env.INIT_CWD ?? process.cwd();

process.exitCode = runSimCommand(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  writeFile: (path, text) => writeFileSync(resolve(invokedFrom, path), text),
});
