import { assert } from '../core/assert.ts';
import type { HistoryOp } from './history.ts';
import { compileKvModel } from './kv-model.ts';
import type { CompiledModel } from './model.ts';

/**
 * A single compare-and-set register, as in Jepsen's etcd test: read, write and cas on one value
 * that starts as nil. It has exactly the KV model's semantics restricted to get, set and cas, so
 * it reuses that model; what it adds is the refusal of anything else, so that a history checked
 * against the register cannot silently contain operations the register does not have.
 */
export function compileCasRegisterModel(ops: readonly HistoryOp[]): CompiledModel {
  for (const op of ops) {
    assert(op.op === 'get' || op.op === 'set' || op.op === 'cas', `the cas-register model has no ${op.op} (op #${op.id})`);
  }
  return compileKvModel(ops);
}
