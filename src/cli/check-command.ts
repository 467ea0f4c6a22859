import { parseArgs } from 'node:util';
import { unreachable } from '../core/assert.ts';
import { checkHistory, type CheckResult } from '../check/check-history.ts';
import { formatExplanation } from '../check/explanation-text.ts';
import type { History } from '../check/history.ts';
import type { ModelName } from '../check/model.ts';
import { HISTORY_FORMATS, modelForFormat, parseHistoryFile, type HistoryFormat } from '../check/parse/parse-history-file.ts';

/**
 * `npm run check -- FILE [--format json|jepsen-etcd|jepsen-edn|porcupine-kv] [--initial VALUE] [--time-budget-ms N]`, as a
 * function of its arguments and I/O so that tests run it without a process. src/cli/check.ts
 * wires it to the terminal. Every run ends with one summary line starting `check: `.
 */
export interface CommandIo {
  /** The file's text; throws (as readFileSync does) when it cannot be read. */
  readFile(path: string): string;
  out(line: string): void;
  err(line: string): void;
}

export const EXIT_CODES = { linearizable: 0, 'not-linearizable': 1, 'bad-input': 2, unknown: 3 } as const;
export const DEFAULT_CLI_TIME_BUDGET_MS = 60_000;

const USAGE = [
  'usage: npm run check -- FILE [--format json|jepsen-etcd|jepsen-edn|porcupine-kv] [--initial VALUE] [--time-budget-ms N]',
  '  --format          how FILE is written (default json: docs/history-format.md)',
  '  --initial         jepsen-edn: the registers\' value before the history (default: absent)',
  `  --time-budget-ms  give up with "unknown" after this long (default ${DEFAULT_CLI_TIME_BUDGET_MS})`,
  'exit codes: 0 linearizable, 1 not linearizable, 2 bad input, 3 unknown (budget ran out)',
].join('\n');

interface Request {
  file: string;
  format: HistoryFormat;
  timeBudgetMs: number;
  initial: string | undefined;
}

export function runCheckCommand(args: readonly string[], io: CommandIo): number {
  const request = requestFrom(args);
  if (request === 'help') {
    io.out(USAGE);
    io.out('check: usage printed');
    return EXIT_CODES.linearizable;
  }
  if (typeof request === 'string') return badInput(io, request, USAGE);
  let text: string;
  try {
    text = io.readFile(request.file);
  } catch (error) {
    return badInput(io, `cannot read ${request.file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parseStartMs = performance.now();
  const parsed = parseHistoryFile(text, request.format, request.initial === undefined ? {} : { initial: request.initial });
  const parseMs = performance.now() - parseStartMs;
  if (!parsed.ok) {
    return badInput(io, `${request.file}:${parsed.line}: ${parsed.message} (reading it as ${request.format})`);
  }
  const model = modelForFormat(request.format);
  const result = checkHistory(parsed.history, { model, timeBudgetMs: request.timeBudgetMs });
  report(io, result, { ...request, model, history: parsed.history, parseMs });
  return EXIT_CODES[result.verdict];
}

/** The request, 'help', or what is wrong with the arguments. */
function requestFrom(args: readonly string[]): Request | 'help' | string {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        format: { type: 'string', short: 'f', default: 'json' },
        'time-budget-ms': { type: 'string', default: String(DEFAULT_CLI_TIME_BUDGET_MS) },
        initial: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) return `expected one FILE, found ${positionals.length}`;
  const format = HISTORY_FORMATS.find((f) => f === values.format);
  if (format === undefined) return `expected --format to be one of ${HISTORY_FORMATS.join(', ')}, found "${values.format}"`;
  const timeBudgetMs = Number(values['time-budget-ms']);
  if (!(timeBudgetMs > 0)) return `expected --time-budget-ms to be a positive number, found "${values['time-budget-ms']}"`;
  const initial = values.initial;
  if (initial !== undefined && format !== 'jepsen-edn') return `--initial applies to --format jepsen-edn only (found --format ${format})`;
  return { file: positionals[0]!, format, timeBudgetMs, initial };
}

function badInput(io: CommandIo, message: string, usage?: string): number {
  io.err(message);
  if (usage !== undefined) io.err(usage);
  io.out(`check: bad input: ${message.split('\n')[0]}`);
  return EXIT_CODES['bad-input'];
}

interface Checked extends Request {
  model: ModelName;
  history: History;
  parseMs: number;
}

function report(io: CommandIo, result: CheckResult, checked: Checked): void {
  const what = `${checked.file}: ${checked.history.ops.length} operations (${checked.format}, ${checked.model} model)`;
  const time = `parsed in ${checked.parseMs.toFixed(1)} ms, checked in ${result.elapsedMs.toFixed(1)} ms`;
  switch (result.verdict) {
    case 'linearizable':
      io.out('linearizable');
      io.out(`check: linearizable: ${what} on ${result.keys} key${result.keys === 1 ? '' : 's'}; ${time}`);
      return;
    case 'not-linearizable':
      io.out('not linearizable');
      io.out(formatExplanation(result.explanation));
      io.out(`check: not linearizable (key ${JSON.stringify(result.explanation.key)}): ${what}; ${time}`);
      return;
    case 'unknown':
      io.out(`unknown: ${result.reason}`);
      io.out(`check: unknown: ${what}; ${time}`);
      return;
    default:
      unreachable(result);
  }
}
