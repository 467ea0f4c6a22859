import { assert, unreachable } from '../core/assert.ts';
import { compileCasRegisterModel } from './cas-register-model.ts';
import { EventList } from './event-list.ts';
import { explainFailure, type Explanation } from './explanation.ts';
import type { History } from './history.ts';
import { compileKvModel } from './kv-model.ts';
import type { CompileModel, ModelName } from './model.ts';
import { partitionByKey, type KeyPartition } from './partition.ts';
import { relevantOps } from './relevant-ops.ts';
import { searchLinearization, type SearchLimits } from './search.ts';
import { previousTwins } from './unknown-twins.ts';
import { duplicateId, problemWithOp } from './validate-history.ts';

export interface CheckOptions {
  /** Wall-clock budget for the whole check; when it runs out the verdict is 'unknown'. */
  timeBudgetMs?: number;
  model?: ModelName;
  /** Memory bound for one key's search cache; passing it also gives 'unknown'. */
  maxCacheBytes?: number;
}

export type CheckResult =
  | { verdict: 'linearizable'; elapsedMs: number; keys: number }
  | { verdict: 'not-linearizable'; elapsedMs: number; explanation: Explanation }
  | { verdict: 'unknown'; elapsedMs: number; reason: string };

export const DEFAULT_TIME_BUDGET_MS = 10_000;
export const DEFAULT_MAX_CACHE_BYTES = 1 << 29;

/**
 * Decides whether a history is linearizable for the model ('kv' by default). Never guesses: a
 * search stopped by the time or memory budget gives 'unknown', unless another key gives a
 * definite violation. Throws AssertionError on a malformed history (parse untrusted text with
 * parseHistoryFile first, which reports problems as data).
 */
export function checkHistory(history: History, options: CheckOptions = {}): CheckResult {
  const startMs = performance.now();
  assertWellFormed(history);
  const model = options.model ?? 'kv';
  const timeBudgetMs = options.timeBudgetMs ?? DEFAULT_TIME_BUDGET_MS;
  assert(timeBudgetMs >= 0, 'the time budget is not negative');
  const limits = { deadlineMs: startMs + timeBudgetMs, maxCacheBytes: options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES };
  const partitions = partitionByKey(history.ops);
  const elapsedMs = (): number => performance.now() - startMs;
  let unknownReason: string | undefined;
  for (const [index, partition] of partitions.entries()) {
    const progress = `; ${index} of ${partitions.length} keys were checked before it`;
    if (performance.now() > limits.deadlineMs) {
      unknownReason ??= `the time budget of ${timeBudgetMs} ms ran out before key ${JSON.stringify(partition.key)}${progress}`;
      break;
    }
    const outcome = checkKey(partition, model, { ...limits, timeBudgetMs });
    switch (outcome.kind) {
      case 'linearizable':
        continue;
      case 'not-linearizable':
        return { verdict: 'not-linearizable', elapsedMs: elapsedMs(), explanation: outcome.explanation };
      case 'unknown':
        // Keep going: another key may still give a definite violation.
        unknownReason ??= `${outcome.reason}${progress}`;
        continue;
      default:
        return unreachable(outcome);
    }
  }
  if (unknownReason !== undefined) return { verdict: 'unknown', elapsedMs: elapsedMs(), reason: unknownReason };
  return { verdict: 'linearizable', elapsedMs: elapsedMs(), keys: partitions.length };
}

type KeyOutcome =
  | { kind: 'linearizable' }
  | { kind: 'not-linearizable'; explanation: Explanation }
  | { kind: 'unknown'; reason: string };

function checkKey(partition: KeyPartition, model: ModelName, limits: SearchLimits & { timeBudgetMs: number }): KeyOutcome {
  const ops = relevantOps(partition.ops);
  const compiled = compilerFor(model)(ops);
  const list = new EventList(ops.map((op) => op.call), ops.map((op) => op.return));
  const outcome = searchLinearization({ list, model: compiled, opCount: ops.length, twins: previousTwins(ops) }, limits);
  const where = `key ${JSON.stringify(partition.key)} (${ops.length} operations)`;
  switch (outcome.kind) {
    case 'linearizable':
      return { kind: 'linearizable' };
    case 'not-linearizable': {
      const failed = { key: partition.key, model, ops, list, compiled, longestPrefix: outcome.longestPrefix };
      return { kind: 'not-linearizable', explanation: explainFailure(failed) };
    }
    case 'out-of-time':
      return { kind: 'unknown', reason: `the time budget of ${limits.timeBudgetMs} ms ran out while checking ${where}` };
    case 'out-of-memory':
      return { kind: 'unknown', reason: `the search cache for ${where} passed ${Math.round(outcome.cacheBytes / 2 ** 20)} MiB` };
    default:
      return unreachable(outcome);
  }
}

function compilerFor(model: ModelName): CompileModel {
  switch (model) {
    case 'kv':
      return compileKvModel;
    case 'cas-register':
      return compileCasRegisterModel;
    default:
      return unreachable(model);
  }
}

function assertWellFormed(history: History): void {
  assert(Array.isArray(history.ops), 'a history has an ops array');
  history.ops.forEach((op, index) => {
    const problem = problemWithOp(op);
    assert(problem === undefined, `history.ops[${index}]: ${problem}`);
  });
  const duplicate = duplicateId(history.ops);
  assert(duplicate === undefined, `history has two operations with id ${duplicate}`);
}
