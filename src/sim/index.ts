/** The deterministic simulator's public surface (see docs/simulation.md). */
export { Simulation, MAX_NODES, type SimulationOptions, type NodeStatusView, type SimulationStats, type RaftTuning } from './simulation.ts';
export type { SimClient, OperationHandle } from './client.ts';
export type { NetworkOptions } from './network.ts';
export type { InvariantViolation } from './invariants.ts';
export type { TraceEvent } from './trace.ts';
