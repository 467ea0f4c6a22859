import { unreachable } from '../core/assert.ts';
import type { Explanation } from './explanation.ts';
import type { HistoryOp } from './history.ts';
import { showValue } from './value-table.ts';

export interface ExplanationTextOptions {
  /** Only the last this many prefix operations are listed (the ones nearest the failure). */
  maxPrefixOps?: number;
}

/** An Explanation as indented lines for a terminal. */
export function formatExplanation(explanation: Explanation, options: ExplanationTextOptions = {}): string {
  const { key, model, keyOpCount, prefix, deadline, blocked } = explanation;
  const maxPrefixOps = options.maxPrefixOps ?? 20;
  const lines = [`key ${JSON.stringify(key)} (${model} model, ${keyOpCount} operations to order) is not linearizable.`];
  if (prefix.length === 0) {
    lines.push('No operation can come first: the longest linearizable prefix is empty (the key starts absent).');
  } else {
    lines.push(`Longest linearizable prefix found: ${prefix.length} operations, in linearization order:`);
    const hidden = Math.max(0, prefix.length - maxPrefixOps);
    if (hidden > 0) lines.push(`    ... ${hidden} earlier operations ...`);
    prefix.slice(hidden).forEach(({ op, valueAfter }, i) => {
      lines.push(`  ${String(hidden + i + 1).padStart(4)}. ${describeOp(op)}  => value ${showValue(valueAfter)}`);
    });
    lines.push(`After it the value is ${showValue(explanation.valueAfterPrefix)}.`);
  }
  lines.push(
    blocked.length === 1
      ? `#${deadline.id} returned at ${deadline.return}, so it had to take effect next, and it cannot:`
      : `#${deadline.id} returned at ${deadline.return}, so one of these ${blocked.length} operations ` +
          'had to take effect next, and none can:',
  );
  for (const { op, reason } of blocked) lines.push(`  ${describeOp(op)}: ${reason}`);
  return lines.join('\n');
}

/** One operation on one line: id, client, what it asked, what it got, when. */
export function describeOp(op: HistoryOp): string {
  const when = op.return === undefined ? `called ${op.call}, never returned` : `called ${op.call}, returned ${op.return}`;
  return `#${op.id} client ${op.client}: ${describeRequest(op)} -> ${describeResult(op)} (${when})`;
}

function describeRequest(op: HistoryOp): string {
  const key = JSON.stringify(op.key);
  switch (op.op) {
    case 'get':
    case 'del':
      return `${op.op} ${key}`;
    case 'set':
    case 'append':
      return `${op.op} ${key} ${showValue(op.value ?? null)}`;
    case 'cas':
      return `cas ${key} ${showValue(op.expected ?? null)} to ${showValue(op.value ?? null)}`;
    default:
      return unreachable(op.op);
  }
}

function describeResult(op: HistoryOp): string {
  const result = op.result;
  if (op.return === undefined || result === undefined) return 'outcome unknown';
  const seen = result.value === undefined ? '' : ` ${showValue(result.value)}`;
  switch (op.op) {
    case 'get':
      return result.value === undefined ? 'nothing observed' : showValue(result.value);
    case 'set':
    case 'append':
      return result.ok ? 'ok' : 'failed (no effect)';
    case 'del':
      return result.ok ? `ok${seen === '' ? '' : `, deleted${seen}`}` : 'failed (no effect)';
    case 'cas':
      return `${result.ok ? 'swapped' : 'refused'}${seen === '' ? '' : `, saw${seen}`}`;
    default:
      return unreachable(op.op);
  }
}
