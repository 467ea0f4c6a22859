/**
 * What the one client (client-session.ts, console-client.ts) tells its callers: the reply to a
 * request and what the request is doing while it waits. ClusterController re-exports these.
 */
import type { KvErrorCode, KvResult } from '../core/kv-types.ts';
import type { NodeId } from '../core/types.ts';

export interface ConsoleReply {
  ok: boolean;
  /** Text for the console: the result ("OK", the value, "(nil)", the keys) or the error. */
  text: string;
  result?: KvResult;
  error?: string;
  /** Set when a node rejected the request (it had no effect, except stale-request: see kv-types). */
  errorCode?: KvErrorCode;
  /** The node that answered, and the nodes tried before it (redirects, retries). */
  answeredBy?: NodeId;
  path: NodeId[];
  latencyMs: number;
  /** The console request it answers (see RequestProgress). */
  requestId?: number;
}

/**
 * What a console request is doing while it waits (SubmitOptions.onProgress):
 * queued behind earlier requests on the same key (or for a free session), sent to a node, or
 * held: no answer within a bound of a few election timeouts, with the reason. A held request
 * keeps its identity (client id and seq) until retryRequest or cancelRequest.
 */
export type RequestProgress = { requestId: number } & (
  | { kind: 'queued'; behind: number; why: 'same-key' | 'sessions-busy' }
  | { kind: 'sent'; to: NodeId; attempt: number }
  | { kind: 'held'; reason: string; waitedMs: number }
);

export interface SubmitOptions {
  /** Send to this node only (no redirects followed, no other node tried). */
  target?: NodeId;
  onProgress?: (progress: RequestProgress) => void;
}
