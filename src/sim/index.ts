/** The deterministic simulator's public surface (see docs/simulation.md). */
export {
  Simulation, MAX_NODES, type SimulationOptions, type NodeStatusView, type SimulationStats, type RaftTuning,
  type SimFlight, type SimDropReason, type SimObserver,
} from './simulation.ts';
export { virtualTransport, type SimClient, type OperationHandle, type ClientHost } from './client.ts';
export type { NetworkOptions } from './network.ts';
export type { InvariantViolation } from '../core/protocol-node.ts';
export type { TraceEvent } from './trace.ts';
export { Links, validateNetwork, type NetworkShape } from './links.ts';
export { InFlightList, DEFAULT_MAX_IN_FLIGHT, type FlightTiming } from './in-flight.ts';
