/**
 * `npm run check -- FILE [--format json|jepsen-etcd|jepsen-edn|porcupine-kv] [--initial VALUE] [--time-budget-ms N]`: is a
 * recorded history linearizable? Exit 0 yes, 1 no (with the explanation), 3 unknown, 2 bad input.
 * The logic is src/cli/check-command.ts; this file only connects it to the process.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runCheckCommand } from './check-command.ts';

// npm runs scripts from the package root; resolve FILE against where the user typed the command.
const invokedFrom = process.env.INIT_CWD ?? process.cwd();

process.exitCode = runCheckCommand(process.argv.slice(2), {
  readFile: (path) => readFileSync(resolve(invokedFrom, path), 'utf8'),
  out: (line) => console.log(line),
  err: (line) => console.error(line),
});
