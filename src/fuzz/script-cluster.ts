/**
 * Runs scenario-script commands (script-format.ts) against real KvNodes with nothing in
 * between: no clock, no random delays. Messages wait in one mailbox until a command delivers
 * or drops them, so a script says exactly which message arrives when, and the output lists
 * every message sent and every change of role, term and commit, one per line.
 *
 * Commands (IDS is `1`, `1,3` or `all`; filters are `from=IDS to=IDS type=A,B count=N`):
 *   add-nodes N [prevote=false] [checkquorum=false] [reads=lease] [bug=NAME] [seed=S]
 *             [snapshot=N] [chunk=N]   (compact every N applied entries, 0 = never, the default
 *             here; InstallSnapshot chunks of at most N characters)
 *   tick IDS [N]        tick-election ID      tick-heartbeat ID       campaign ID
 *   transfer FROM TO    (the leader FROM hands leadership to TO; prints a refusal)
 *   add-node            (node N+1 starts with an empty disk and the add-nodes set as its bootstrap
 *                        configuration, once the leader proposed it as a learner; prints a refusal)
 *   remove-node ID      (the leader proposes removing ID; prints a refusal)
 *   compact ID          (snapshot now and drop the entries it covers; prints a refusal)
 *   set ID KEY VALUE [client=C seq=S]      get ID KEY [client=C seq=S]
 *   deliver [filters]   drop [filters]        stabilize
 *   crash ID   restart ID   wipe ID   hold-disk ID   sync-disk ID
 *   partition IDS IDS... isolate ID   heal
 *   status   log ID   kv ID   mailbox
 *   invariants          (Raft's safety invariants, checked after every input: ok or the first broken)
 *
 * A node whose snapshot changes says so on a line of its own (`n3: snapshot at 9 (term 1),
 * log 10..12`, or `installed the leader's snapshot` when it came by InstallSnapshot); status and
 * log show `first=`/`snap=` and the compacted prefix only once a node has a snapshot, so scripts
 * that never compact read as they did before snapshots existed. A failed assertion crashes that
 * node, as in every host, and the output says which (`n1: assertion failed: ...`, `n1: down`).
 *
 * Membership: the leader (the running leader of the highest term) proposes each change. A node
 * whose configuration (the latest in its log, committed or not) changes says so
 * (`n1: config voters 1,2,3 learners 4`, `—` for none); status, restart and `up` lines end in
 * ` voters=1,2,3 learners=4` only for a node whose configuration is not the bootstrap one or
 * does not include it, so scripts that never change membership read as they did before.
 */
import { AssertionError, assert } from '../core/assert.ts';
import { BUG_NAMES, isBugName, type BugName } from '../core/bugs.ts';
import type { KvCommand } from '../core/kv-types.ts';
import { NodeLoop } from '../core/node-loop.ts';
import { InvariantChecker } from '../raft/invariants.ts';
import { KvNode, type NodeStatus } from '../raft/node.ts';
import { DEFAULT_RAFT_TUNING } from '../raft/raft.ts';
import { SeededRng, deriveSeed } from '../core/rng.ts';
import { MemoryStorage } from '../core/storage.ts';
import type { ConfigChange, Configuration, DurableState, Message, NodeId, Snapshot } from '../core/types.ts';
import { ScriptError, positive, required, whole } from './script-args.ts';
import { ScriptMailbox, parseFilter, type Filter } from './script-mailbox.ts';
import { entryLine, messageLine } from './script-message.ts';

interface ScriptNode {
  id: NodeId;
  storage: MemoryStorage;
  node: KvNode | undefined;
  loop: NodeLoop | undefined;
  restarts: number;
  /** hold-disk: writes stay staged (a crash loses them) until sync-disk. */
  diskHeld: boolean;
  waitingForDisk: (() => void)[];
  /** Where the snapshot in the node's latest storage batch came from, for the line that announces it. */
  snapshotFrom: 'compaction' | 'leader' | undefined;
}

const MAX_STABILIZE_ROUNDS = 200;
/** As many as the Simulation allows (add-node refuses past it). */
const MAX_SCRIPT_NODES = 9;

export class ScriptCluster {
  private nodes: ScriptNode[] = [];
  /** The add-nodes set: every node's bootstrap configuration, also of a node added later. */
  private bootstrap: NodeId[] = [];
  private readonly mailbox = new ScriptMailbox();
  private seqs = new Map<string, number>();
  private options = {
    preVote: true, checkQuorum: true, reads: 'read-index' as 'read-index' | 'lease', bug: undefined as BugName | undefined, seed: 1,
    snapshotThresholdEntries: 0, maxSnapshotChunkBytes: DEFAULT_RAFT_TUNING.maxSnapshotChunkBytes as number,
  };
  /** The Simulation's safety checks, fed every persist, apply and input (scripts have no clock: time 0). */
  private readonly invariants = new InvariantChecker();
  private out: string[] = [];
  private indent = '';

  /** Runs one command line and returns its output lines. */
  run(command: string): string[] {
    this.out = [];
    this.indent = '';
    const [name, ...args] = command.split(/\s+/);
    try {
      this.dispatch(name ?? '', args);
    } catch (e) {
      if (!(e instanceof ScriptError)) throw e;
      this.out.push(`error: ${e.message}`);
    }
    return this.out;
  }

  private dispatch(name: string, args: string[]): void {
    const positional = args.filter((a) => !a.includes('='));
    const named = new Map(args.filter((a) => a.includes('=')).map((a) => a.split('=', 2) as [string, string]));
    switch (name) {
      case 'add-nodes': return this.addNodes(whole(positional[0], 'node count'), named);
      case 'tick': return this.tick(this.ids(positional[0]), positional[1] === undefined ? 1 : whole(positional[1], 'tick count'));
      case 'tick-election': return this.tickElection(this.id(positional[0]));
      case 'tick-heartbeat': return this.tick([this.id(positional[0])], DEFAULT_RAFT_TUNING.heartbeatIntervalTicks);
      case 'campaign': return this.input(this.id(positional[0]), (n) => n.raft.forceElectionTimeout());
      case 'transfer': {
        const to = this.id(positional[1]);
        return this.input(this.id(positional[0]), (n) => {
          const refused = n.transferLeadership(to);
          if (refused !== undefined) this.out.push(`refused: ${refused}`);
        });
      }
      case 'add-node': return this.addNode();
      case 'remove-node': return void this.proposeChange({ op: 'remove', node: this.id(positional[0]) });
      case 'compact': return this.input(this.id(positional[0]), (n) => {
        this.node(n.id).snapshotFrom = 'compaction'; // the Ready that carries it may wait for the disk
        const refused = n.compact();
        if (refused !== undefined) this.out.push(`refused: ${refused}`);
      });
      case 'set': return this.request(positional, named, (key, value) => ({ op: 'set', key, value: value ?? required('value') }));
      case 'get': return this.request(positional, named, (key) => ({ op: 'get', key }));
      case 'deliver': return this.deliver(parseFilter(named, (t) => this.ids(t)));
      case 'drop': return this.drop(parseFilter(named, (t) => this.ids(t)));
      case 'stabilize': return this.stabilize();
      case 'crash': return this.crash(this.up(this.id(positional[0])));
      case 'restart': return this.restart(this.id(positional[0]));
      case 'wipe': return this.wipe(this.id(positional[0]));
      case 'hold-disk': return void (this.node(this.id(positional[0])).diskHeld = true);
      case 'sync-disk': return this.syncDisk(this.node(this.id(positional[0])));
      case 'partition': return this.partition(positional.map((g) => this.ids(g)));
      case 'isolate': return this.partition([[this.id(positional[0])], this.nodes.map((n) => n.id).filter((id) => id !== Number(positional[0]))]);
      case 'heal': return this.mailbox.heal();
      case 'status': return this.status();
      case 'log': return this.log(this.id(positional[0]));
      case 'kv': return this.kv(this.id(positional[0]));
      case 'mailbox': return void this.out.push(...(this.mailbox.size === 0 ? ['(empty)'] : this.mailbox.waiting().map(messageLine)));
      case 'invariants': return this.checkInvariants();
      default: throw new ScriptError(`unknown command "${name}"`);
    }
  }

  // ---- Nodes ------------------------------------------------------------------------------------

  private addNodes(count: number, named: Map<string, string>): void {
    if (this.nodes.length > 0) throw new ScriptError('add-nodes runs once, first');
    const bug = named.get('bug');
    if (bug !== undefined && !isBugName(bug)) throw new ScriptError(`unknown bug "${bug}" (one of ${BUG_NAMES.join(', ')})`);
    const reads = named.get('reads') ?? 'read-index';
    if (reads !== 'read-index' && reads !== 'lease') throw new ScriptError(`reads must be read-index or lease, got "${reads}"`);
    this.options = {
      preVote: named.get('prevote') !== 'false', checkQuorum: named.get('checkquorum') !== 'false', reads, bug,
      seed: named.has('seed') ? whole(named.get('seed'), 'seed') : 1,
      snapshotThresholdEntries: named.has('snapshot') ? whole(named.get('snapshot'), 'snapshot threshold') : 0,
      maxSnapshotChunkBytes: named.has('chunk') ? positive(named.get('chunk'), 'chunk size') : DEFAULT_RAFT_TUNING.maxSnapshotChunkBytes,
    };
    for (let id = 1; id <= count; id++) this.nodes.push(newScriptNode(id));
    this.bootstrap = this.nodes.map((n) => n.id);
    for (const n of this.nodes) this.start(n);
    this.status();
  }

  private start(n: ScriptNode): void {
    const voters = this.bootstrap;
    const { seed, bug, ...tuning } = this.options;
    const rng = new SeededRng(deriveSeed(seed, n.id, n.restarts));
    const node = new KvNode({ ...DEFAULT_RAFT_TUNING, ...tuning, id: n.id, voters, bug }, n.storage.load(), rng);
    n.node = node;
    n.loop = new NodeLoop(node, {
      persist: (batch, done) => {
        this.invariants.onPersist(n.id, node, batch.entries, 0);
        if (batch.snapshot !== undefined) n.snapshotFrom = batch.snapshot.from;
        n.storage.write(batch);
        if (!n.diskHeld) return (n.storage.sync(), done());
        n.waitingForDisk.push(done);
      },
      send: (messages) => this.send(messages),
      applied: (rd) => this.invariants.onApplied(n.id, node, rd, 0),
    }, bug);
  }

  private crash(n: ScriptNode, indent = ''): void {
    n.loop!.stop();
    n.storage.crash();
    n.node = undefined;
    n.loop = undefined;
    n.waitingForDisk = [];
    n.diskHeld = false;
    this.out.push(`${indent}n${n.id}: down`);
  }

  private restart(id: NodeId): void {
    const n = this.node(id);
    if (n.node !== undefined) throw new ScriptError(`n${id} is running`);
    n.restarts++;
    this.start(n);
    this.upLine(n);
  }

  private upLine(n: ScriptNode): void {
    const s = n.node!.status();
    this.out.push(`n${n.id}: up, ${s.role} term=${s.term} vote=${s.vote} last=${s.lastIndex}${snapshotFields(s)}${this.configFields(n)}`);
  }

  private wipe(id: NodeId): void {
    const n = this.node(id);
    if (n.node !== undefined) this.crash(n);
    n.storage.wipe();
    this.out.push(`n${id}: disk wiped`);
    this.restart(id);
  }

  private syncDisk(n: ScriptNode): void {
    n.diskHeld = false;
    n.storage.sync();
    const waiting = n.waitingForDisk;
    n.waitingForDisk = [];
    this.observe(n, () => {
      for (const done of waiting) done();
    });
  }

  // ---- Membership -------------------------------------------------------------------------------

  /** Node N+1 starts empty once the leader has proposed it as a learner (as Simulation.addNode). */
  private addNode(): void {
    if (this.nodes.length >= MAX_SCRIPT_NODES) throw new ScriptError(`a script has at most ${MAX_SCRIPT_NODES} nodes`);
    const id = this.nodes.length + 1;
    if (!this.proposeChange({ op: 'add-learner', node: id })) return;
    const n = newScriptNode(id);
    this.nodes.push(n);
    this.start(n);
    this.upLine(n);
  }

  /** The running leader of the highest term proposes `change`; prints its refusal. Returns whether it proposed it. */
  private proposeChange(change: ConfigChange): boolean {
    let leader: KvNode | undefined;
    for (const n of this.nodes) {
      if (n.node?.raft.role === 'leader' && n.node.raft.term > (leader?.raft.term ?? -1)) leader = n.node;
    }
    if (leader === undefined) {
      this.out.push('refused: no leader to propose it: wait for an election');
      return false;
    }
    let refused: string | undefined;
    this.input(leader.id, (node) => {
      refused = node.proposeConfigChange(change);
      if (refused !== undefined) this.out.push(`refused: ${refused}`);
    });
    return refused === undefined;
  }

  /** ` voters=1,2,3 learners=4` for a node outside the bootstrap configuration; nothing otherwise. */
  private configFields(n: ScriptNode): string {
    const c = n.node?.raft.configuration();
    if (c === undefined) return '';
    const bootstrap = c.learners.length === 0 && c.voters.join() === this.bootstrap.join() && c.voters.includes(n.id);
    return bootstrap ? '' : ` ${configText(c, '=')}`;
  }

  // ---- Inputs -----------------------------------------------------------------------------------

  /** Feeds one input to a running node, then prints what it sent and how it changed. */
  private input(id: NodeId, feed: (node: KvNode) => void): void {
    const n = this.up(id);
    this.observe(n, () => {
      feed(n.node!);
      n.loop!.run();
    });
  }

  private observe(n: ScriptNode, act: () => void): void {
    const before = n.node?.status();
    const configBefore = n.node?.raft.configuration();
    try {
      act();
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      // As in every host: a failed assertion crashes that node, and the script shows why.
      this.out.push(`${this.indent}n${n.id}: assertion failed: ${error.message}`);
      this.crash(n, this.indent);
    }
    this.invariants.afterEvent(this.nodes, 0);
    const after = n.node?.status();
    if (before === undefined || after === undefined) return;
    this.printChanges(before, after, n);
    const config = n.node!.raft.configuration();
    if (configText(config, ' ') !== configText(configBefore!, ' ')) this.out.push(`${this.indent}n${n.id}: config ${configText(config, ' ')}`);
  }

  private printChanges(a: NodeStatus, b: NodeStatus, n: ScriptNode): void {
    const p = `${this.indent}n${b.id}:`;
    if (a.role !== b.role) this.out.push(`${p} ${a.role} -> ${b.role} (term ${b.term})`);
    else if (a.term !== b.term) this.out.push(`${p} term ${a.term} -> ${b.term}`);
    if (a.commitIndex !== b.commitIndex) this.out.push(`${p} commit ${a.commitIndex} -> ${b.commitIndex}`);
    if (a.snapshotIndex !== b.snapshotIndex) {
      const how = n.snapshotFrom === 'leader' ? "installed the leader's snapshot" : 'snapshot';
      const snapshotTerm = n.node!.raft.log.snapshotTerm();
      this.out.push(`${p} ${how} at ${b.snapshotIndex} (term ${snapshotTerm}), log ${logRange(b)}`);
    }
  }

  private send(messages: Message[]): void {
    for (const m of messages) {
      this.out.push(`${this.indent}send ${messageLine(m)}`);
      // Replies go to clients, which scripts do not model: the line above is all they get.
      if (m.type !== 'ClientReply') this.mailbox.push(m);
    }
  }

  private tick(ids: NodeId[], times: number): void {
    for (const id of ids) for (let k = 0; k < times; k++) this.input(id, (n) => n.tick());
  }

  /** Ticks until the node's election timer runs out (a leader: its CheckQuorum check). */
  private tickElection(id: NodeId): void {
    const n = this.up(id).node!;
    const { elapsed, timeout } = n.raft.electionTimerTicks();
    const times = Math.max(1, timeout - elapsed);
    this.out.push(`(${times} ticks)`);
    this.tick([id], times);
  }

  private request(positional: string[], named: Map<string, string>, command: (key: string, value: string | undefined) => KvCommand): void {
    const id = this.id(positional[0]);
    const key = positional[1] ?? required('key');
    const client = named.get('client') ?? 'c1';
    const seq = named.has('seq') ? whole(named.get('seq'), 'seq') : (this.seqs.get(client) ?? 0) + 1;
    this.seqs.set(client, Math.max(seq, this.seqs.get(client) ?? 0));
    this.input(id, (n) => n.step({ type: 'ClientRequest', from: client, to: id, seq, command: command(key, positional[2]) }));
  }

  // ---- The network ------------------------------------------------------------------------------

  private deliver(filter: Filter): void {
    const chosen = this.mailbox.take(filter);
    for (const m of chosen) {
      this.out.push(messageLine(m));
      this.indent = '  ';
      const fate = this.fate(m);
      if (fate !== undefined) this.out.push(`  (dropped: ${fate})`);
      else this.input(m.to as NodeId, (n) => n.step(m));
      this.indent = '';
    }
    if (chosen.length === 0) this.out.push('(nothing to deliver)');
  }

  private drop(filter: Filter): void {
    const chosen = this.mailbox.take(filter);
    for (const m of chosen) this.out.push(`dropped ${messageLine(m)}`);
    if (chosen.length === 0) this.out.push('(nothing to drop)');
  }

  /** Delivers until no message is left (each round delivers what the last one sent). */
  private stabilize(): void {
    for (let round = 0; round < MAX_STABILIZE_ROUNDS && this.mailbox.size > 0; round++) this.deliver({});
    if (this.mailbox.size > 0) this.out.push(`(still ${this.mailbox.size} messages after ${MAX_STABILIZE_ROUNDS} rounds)`);
  }

  /** Why a message cannot arrive, or undefined when it can. */
  private fate(m: Message): string | undefined {
    const to = m.to as NodeId;
    return this.mailbox.cutReason(m) ?? (this.node(to).node === undefined ? `n${to} is down` : undefined);
  }

  private partition(groups: NodeId[][]): void {
    this.out.push(this.mailbox.partition(groups));
  }

  // ---- Views ------------------------------------------------------------------------------------

  private status(): void {
    for (const n of this.nodes) {
      const s = n.node?.status();
      if (s === undefined) {
        this.out.push(`n${n.id}: down`);
        continue;
      }
      this.out.push(`n${n.id}: ${s.role} term=${s.term} vote=${s.vote} lead=${s.leaderId} commit=${s.commitIndex} applied=${s.appliedIndex} last=${s.lastIndex}${snapshotFields(s)}${this.configFields(n)}`);
    }
  }

  /** The log of a running node, or what a down node's disk holds; its snapshot (if any) first. */
  private log(id: NodeId): void {
    const n = this.node(id);
    const durable: Pick<DurableState, 'snapshot' | 'entries'> = n.node === undefined
      ? n.storage.durableState()
      : { snapshot: n.node.raft.latestSnapshot(), entries: [...n.node.raft.log.all()] };
    if (durable.snapshot !== undefined) this.out.push(snapshotLine(durable.snapshot));
    if (durable.entries.length > 0) this.out.push(...durable.entries.map(entryLine));
    else if (durable.snapshot === undefined) this.out.push('(empty log)');
  }

  private checkInvariants(): void {
    const v = this.invariants.violation;
    this.out.push(v === undefined ? 'ok' : `broken: ${v.invariant}: ${v.message}`);
  }

  private kv(id: NodeId): void {
    const data = [...this.up(id).node!.kv.data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.out.push(...(data.length === 0 ? ['(empty)'] : data.map(([k, v]) => `${k}=${v}`)));
  }

  // ---- Arguments --------------------------------------------------------------------------------

  private ids(text: string | undefined): NodeId[] {
    if (text === 'all') return this.nodes.map((n) => n.id);
    return (text ?? required('node ids')).split(',').map((t) => this.id(t));
  }

  private id(text: string | undefined): NodeId {
    const id = whole(text, 'node id');
    this.node(id);
    return id;
  }

  private node(id: NodeId): ScriptNode {
    const n = this.nodes[id - 1];
    if (n === undefined) throw new ScriptError(`no node ${id} (nodes 1 to ${this.nodes.length})`);
    return n;
  }

  private up(id: NodeId): ScriptNode {
    const n = this.node(id);
    if (n.node === undefined) throw new ScriptError(`n${id} is down`);
    assert(n.loop !== undefined, 'a running node has a loop');
    return n;
  }
}

function newScriptNode(id: NodeId): ScriptNode {
  return { id, storage: new MemoryStorage(), node: undefined, loop: undefined, restarts: 0, diskHeld: false, waitingForDisk: [], snapshotFrom: undefined };
}

/** `voters 1,2,3 learners 4` (with `sep` '=': `voters=1,2,3 learners=4`); `—` for none. */
function configText(c: Configuration, sep: ' ' | '='): string {
  const list = (ids: readonly NodeId[]): string => (ids.length === 0 ? '—' : ids.join(','));
  return `voters${sep}${list(c.voters)} learners${sep}${list(c.learners)}`;
}

/** ` first=6 snap=5` for a node with a snapshot; nothing otherwise (older scripts read as before). */
function snapshotFields(s: NodeStatus): string {
  const snap = s.snapshotIndex ?? 0;
  return snap === 0 ? '' : ` first=${s.firstIndex ?? snap + 1} snap=${snap}`;
}

function logRange(s: NodeStatus): string {
  const first = s.firstIndex ?? 1;
  return first > s.lastIndex ? 'empty' : `${first}..${s.lastIndex}`;
}

/** `1..5 in snapshot 5@1 (210 bytes)`: the compacted prefix of a log. */
function snapshotLine(snapshot: Snapshot): string {
  return `1..${snapshot.index} in snapshot ${snapshot.index}@${snapshot.term} (${snapshot.data.length} bytes)`;
}
