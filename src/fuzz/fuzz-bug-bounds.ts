/**
 * The stated bounds: for each TEST-ONLY known-bad variant, the fuzzer's default scenario (seeds
 * from 1) finds a violation within `seeds` seeds, and the first check to fire matches
 * `caughtBy` (a failure reason from fuzz-report.ts). fuzz-bugs.test.ts holds the fuzzer to them,
 * fuzz-correct.test.ts runs the correct protocol on the same seeds. Each bound leaves room over
 * the measured first failing seed (docs/fuzzing.md lists the rates), so that an unrelated change
 * in the core, which reshuffles every run, is unlikely to push a variant past it.
 */
import type { BugName } from '../core/bugs.ts';
import { FUZZ_DEFAULT_OPS } from './fuzz-cli-options.ts';
import { DEFAULT_SCENARIO } from './run-scenario.ts';
import type { FaultKind } from './faults.ts';

export interface BugBound {
  seeds: number;
  caughtBy: RegExp;
  /** The check that fires, in words. */
  check: string;
  /** The faults, when the default scenario's cannot reach the mistake (membership bugs need changes). */
  faults?: readonly FaultKind[];
}

/** The default faults plus membership changes. */
const MEMBERSHIP_FAULTS: readonly FaultKind[] = [...DEFAULT_SCENARIO.faults, 'membership'];

export const BUG_BOUNDS: Record<BugName, BugBound> = {
  'vote-ignores-log': { seeds: 10, caughtBy: /^invariant (leader-completeness|state-machine-safety)|^assertion failed/, check: 'leader completeness' },
  'commit-old-term': { seeds: 20, caughtBy: /^invariant (leader-completeness|state-machine-safety)|^assertion failed/, check: 'leader completeness (Figure 8)' },
  'forget-vote': { seeds: 40, caughtBy: /^invariant election-safety/, check: 'election safety' },
  'stale-read': { seeds: 20, caughtBy: /^the client history is not linearizable/, check: 'linearizability' },
  'no-truncate': { seeds: 10, caughtBy: /^invariant log-matching/, check: 'log matching' },
  'ack-before-persist': { seeds: 20, caughtBy: /^invariant (election-safety|leader-completeness|state-machine-safety)/, check: 'election safety or leader completeness' },
  'no-dedup': { seeds: 10, caughtBy: /^the client history is not linearizable/, check: 'linearizability' },
  'snapshot-uncommitted': { seeds: 10, caughtBy: /^invariant snapshot-safety|^assertion failed/, check: 'snapshot safety' },
  'concurrent-config-change': { seeds: 50, caughtBy: /^invariant (leader-completeness|state-machine-safety)/, check: 'leader completeness', faults: MEMBERSHIP_FAULTS },
  'learner-in-quorum': { seeds: 50, caughtBy: /^invariant (leader-completeness|state-machine-safety)/, check: 'leader completeness', faults: MEMBERSHIP_FAULTS },
};

/** The seeds the correct protocol must pass under the default faults: every default bound's range. */
export const BUG_BOUND_SEEDS = Math.max(...Object.values(BUG_BOUNDS).filter((b) => b.faults === undefined).map((b) => b.seeds));

/** The same for the membership scenario (default faults plus membership changes). */
export const MEMBERSHIP_BUG_BOUND_SEEDS = Math.max(...Object.values(BUG_BOUNDS).filter((b) => b.faults === MEMBERSHIP_FAULTS).map((b) => b.seeds));

export { MEMBERSHIP_FAULTS };

/** The scenario `npm run fuzz` runs by default. */
export const FUZZ_SCENARIO = { ...DEFAULT_SCENARIO, ops: FUZZ_DEFAULT_OPS };
