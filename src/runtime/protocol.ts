/**
 * What the main thread (host) and a node's Web Worker say to each other. Plain, structured-clone
 * safe data, discriminated on `type`, every message stamped with the protocol version `v`: a
 * worker from a stale cached bundle that speaks another version is refused (shown as crashed with
 * the reason) instead of being half understood.
 *
 * Host -> worker: init (once, first), deliver (a batch of messages the bus decided to deliver),
 * speed, pause, resume, force-timeout, transfer-leadership, compact, clock-rate, read-log.
 * Worker -> host: started (storage loaded, node running), send (the messages of one Ready batch,
 * already durable-backed), view (a NodeView snapshot, throttled), warning (something the page
 * should show), fatal (refused to start, storage failed, or crashed: the host terminates it), log
 * (read-log answer).
 */
import type { Message, NodeId } from '../core/types.ts';
import type { EntryView, NodeView, ProtocolSwitches } from './cluster-api.ts';

export const PROTOCOL_VERSION = 1;

/** raft: the real node. limit: relay + group commit only, no consensus (the benchmark's ceiling). */
export type WorkerMode = 'raft' | 'limit';

/** indexeddb: strict-durability IndexedDB; memory: in-memory only (IndexedDB known unavailable). */
export type StorageRequest = 'indexeddb' | 'memory';

/** IndexedDB transaction durability: strict waits for the disk flush (the default here). */
export type Durability = 'strict' | 'relaxed';

export interface InitMessage {
  v: typeof PROTOCOL_VERSION;
  type: 'init';
  id: NodeId;
  voters: NodeId[];
  mode: WorkerMode;
  /** Seeds the node's election-timer randomness. */
  seed: number;
  tickMs: number;
  speed: number;
  paused: boolean;
  electionTimeoutTicks: number;
  heartbeatIntervalTicks: number;
  /** Raft's switches (ClusterConfig.protocol). */
  protocol: ProtocolSwitches;
  storage: StorageRequest;
  dbName: string;
  /** The host knows this node had durable state: an empty database means it was deleted. */
  expectData: boolean;
  durability: Durability;
  /** Least time between two throttled NodeView posts (role and term changes are posted at once). */
  viewIntervalMs: number;
  /** How fast this node's clock runs (1 = true time): it ticks every tickMs / speed / clockRate. */
  clockRate: number;
}

export type HostToWorker =
  | InitMessage
  | { v: typeof PROTOCOL_VERSION; type: 'deliver'; messages: Message[] }
  | { v: typeof PROTOCOL_VERSION; type: 'speed'; speed: number }
  | { v: typeof PROTOCOL_VERSION; type: 'pause' }
  | { v: typeof PROTOCOL_VERSION; type: 'resume' }
  | { v: typeof PROTOCOL_VERSION; type: 'force-timeout' }
  | { v: typeof PROTOCOL_VERSION; type: 'transfer-leadership'; to: NodeId }
  | { v: typeof PROTOCOL_VERSION; type: 'compact' }
  | { v: typeof PROTOCOL_VERSION; type: 'clock-rate'; rate: number }
  | { v: typeof PROTOCOL_VERSION; type: 'read-log'; requestId: number; fromIndex: number; toIndex: number };

/** load: refused to start. storage: its storage failed while running. run: a crash (assertion). */
export type FatalPhase = 'load' | 'storage' | 'run' | 'protocol';

export type WorkerToHost =
  | { v: typeof PROTOCOL_VERSION; type: 'started'; view: NodeView }
  | { v: typeof PROTOCOL_VERSION; type: 'send'; messages: Message[] }
  | { v: typeof PROTOCOL_VERSION; type: 'view'; view: NodeView }
  | { v: typeof PROTOCOL_VERSION; type: 'warning'; message: string }
  | { v: typeof PROTOCOL_VERSION; type: 'fatal'; phase: FatalPhase; error: string }
  | { v: typeof PROTOCOL_VERSION; type: 'log'; requestId: number; entries: EntryView[] };

export type HostToWorkerType = HostToWorker['type'];
export type WorkerToHostType = WorkerToHost['type'];

const HOST_TO_WORKER_TYPES: ReadonlySet<string> = new Set<HostToWorkerType>(['init', 'deliver', 'speed', 'pause', 'resume', 'force-timeout', 'transfer-leadership', 'compact', 'clock-rate', 'read-log']);
const WORKER_TO_HOST_TYPES: ReadonlySet<string> = new Set<WorkerToHostType>(['started', 'send', 'view', 'warning', 'fatal', 'log']);

/** Why `data` is not a message of this protocol version, or undefined when it is one. */
export function protocolProblem(data: unknown, direction: 'to-worker' | 'to-host'): string | undefined {
  if (typeof data !== 'object' || data === null) return `not a protocol message: ${typeof data}`;
  const record = data as { v?: unknown; type?: unknown };
  if (record.v !== PROTOCOL_VERSION) return `protocol version ${String(record.v)}, expected ${PROTOCOL_VERSION} (a stale cached worker? reload the page)`;
  const types = direction === 'to-worker' ? HOST_TO_WORKER_TYPES : WORKER_TO_HOST_TYPES;
  if (typeof record.type !== 'string' || !types.has(record.type)) return `unknown message type ${String(record.type)}`;
  return undefined;
}

/** The per-node database name (one IndexedDB database per node). */
export function nodeDbName(id: NodeId): string {
  return `raft-node-${id}`;
}
