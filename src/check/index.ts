/** The linearizability checker's public surface (docs/checker.md). */
export { checkHistory, DEFAULT_MAX_CACHE_BYTES, DEFAULT_TIME_BUDGET_MS } from './check-history.ts';
export type { CheckOptions, CheckResult } from './check-history.ts';
export type { BlockedOp, Explanation, PlacedOp } from './explanation.ts';
export { describeOp, formatExplanation } from './explanation-text.ts';
export type { ExplanationTextOptions } from './explanation-text.ts';
export { HISTORY_OP_NAMES } from './history.ts';
export type { History, HistoryOp, HistoryOpName } from './history.ts';
export type { ModelName } from './model.ts';
export { HISTORY_FORMATS, modelForFormat, parseHistoryFile } from './parse/parse-history-file.ts';
export type { HistoryFormat } from './parse/parse-history-file.ts';
export type { ParseResult } from './parse/parse-result.ts';
