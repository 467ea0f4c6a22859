/**
 * A node's Web Worker (a module worker; one per node). Thin: wires NodeHost (node-host.ts) to the
 * worker's message port, its timers and the node's own IndexedDB database. The node id arrives in
 * the init message. Crash = the page terminates this worker; everything here is gone.
 */
import { createNodeStore, IdbStorage, MemoryNodeStorage } from './idb-storage.ts';
import { NodeHost, describeError } from './node-host.ts';
import { PROTOCOL_VERSION, type WorkerToHost } from './protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

const host = new NodeHost({
  post: (message: WorkerToHost) => scope.postMessage(message),
  // 'memory' is asked for when the whole cluster runs in memory (the page says so); otherwise a
  // database that cannot be opened makes the node refuse to start, with the reason.
  openStorage: (init, lost) => (init.storage === 'memory' ? new MemoryNodeStorage() : new IdbStorage(createNodeStore(init.dbName, init.durability, lost))),
  setInterval: (run, ms) => setInterval(run, ms),
  clearInterval: (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

scope.onmessage = (event: MessageEvent<unknown>) => host.receive(event.data);

// A rejected promise nobody handled is a bug in this node: report it like a thrown error.
scope.onunhandledrejection = (event: PromiseRejectionEvent) => {
  event.preventDefault();
  scope.postMessage({ v: PROTOCOL_VERSION, type: 'fatal', phase: 'run', error: `unhandled rejection: ${describeError(event.reason)}` } satisfies WorkerToHost);
};
