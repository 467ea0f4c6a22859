/**
 * Which configuration (voters and learners) a node is in, from its log: the configuration of the
 * latest config entry it holds, committed or not (Raft's single-server membership changes, see
 * docs/). Below that entry: the configuration its snapshot recorded, or the bootstrap one the
 * cluster was created with.
 *
 * Invariant: records are the config entries still in the log, ascending by index, all above
 * the snapshot; an entry overwritten by a leader's append leaves the records with it.
 */
import { assert } from '../core/assert.ts';
import type { Configuration, Entry, NodeId } from '../core/types.ts';
import type { RaftLog } from './log.ts';

interface ConfigRecord {
  index: number;
  term: number;
  config: Configuration;
}

export class ConfigurationLog {
  private records: ConfigRecord[] = [];
  /** The configuration as of the snapshot index (the bootstrap one before any snapshot). */
  private base: Configuration;

  constructor(base: Configuration, entries: readonly Entry[]) {
    this.base = copy(base);
    this.noteAppended(entries);
  }

  /** The configuration this node acts on now: the latest in its log. */
  active(): Configuration {
    return this.records[this.records.length - 1]?.config ?? this.base;
  }

  /** The configuration as of log index `index` (for the committed one, pass the commit index). */
  at(index: number): Configuration {
    for (let k = this.records.length - 1; k >= 0; k--) {
      if (this.records[k]!.index <= index) return this.records[k]!.config;
    }
    return this.base;
  }

  /** The index of the latest config entry in the log (0 = none above the snapshot). */
  latestIndex(): number {
    return this.records[this.records.length - 1]?.index ?? 0;
  }

  /** Entries just appended to the log (in index order): note the config entries among them. */
  noteAppended(entries: readonly Entry[]): void {
    for (const entry of entries) {
      if (entry.data.type !== 'config') continue;
      const last = this.records[this.records.length - 1];
      assert(last === undefined || last.index < entry.index, `config entry ${entry.index} appended before ${last?.index}`);
      this.records.push({ index: entry.index, term: entry.term, config: copy(entry.data.config) });
    }
  }

  /** After the log lost a suffix (a leader overwrote it): forget config entries no longer in it. */
  dropOverwritten(log: RaftLog): void {
    while (this.records.length > 0) {
      const last = this.records[this.records.length - 1]!;
      if (log.termOrUndefined(last.index) === last.term) return;
      this.records.pop();
    }
  }

  /** The log was compacted up to `index`: the configuration there becomes the base. */
  compact(index: number): void {
    this.base = this.at(index);
    this.records = this.records.filter((r) => r.index > index);
  }

  /** The leader's snapshot replaced the log. */
  restore(config: Configuration): void {
    this.base = copy(config);
    this.records = [];
  }
}

export function isVoter(config: Configuration, id: NodeId): boolean {
  return config.voters.includes(id);
}

export function isMember(config: Configuration, id: NodeId): boolean {
  return config.voters.includes(id) || config.learners.includes(id);
}

/** The configuration after `change`, or why the change does not apply to `config`. */
export function applyChange(config: Configuration, op: 'add-learner' | 'promote' | 'remove', node: NodeId): Configuration | string {
  switch (op) {
    case 'add-learner':
      if (isMember(config, node)) return `n${node} is already in the cluster`;
      return { voters: [...config.voters], learners: [...config.learners, node].sort((a, b) => a - b) };
    case 'promote':
      if (!config.learners.includes(node)) return `n${node} is not a learner`;
      return { voters: [...config.voters, node].sort((a, b) => a - b), learners: config.learners.filter((l) => l !== node) };
    case 'remove':
      if (!isMember(config, node)) return `n${node} is not in the cluster`;
      if (config.voters.length === 1 && config.voters[0] === node) return `n${node} is the last voter; a cluster needs one`;
      return { voters: config.voters.filter((v) => v !== node), learners: config.learners.filter((l) => l !== node) };
  }
}

function copy(config: Configuration): Configuration {
  return { voters: [...config.voters], learners: [...config.learners] };
}
