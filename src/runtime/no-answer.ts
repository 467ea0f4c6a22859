/**
 * Why the cluster is not answering a client, in one sentence a person can act on. Pure: both
 * controllers describe their cluster (who runs, who leads, which links are cut) and get the same
 * words. Checked in order, the first that holds is the answer: too few nodes running; no group
 * that could elect a leader; the client cut off; no leader yet; a leader without a majority;
 * otherwise the messages must be lost or slow.
 */
import { quorumSize } from '../core/quorum.ts';
import type { NodeId, Role } from '../core/types.ts';

export interface ClusterPicture {
  nodes: readonly { id: NodeId; running: boolean; role: Role | 'crashed'; term: number }[];
  /** Messages from a reach b (one direction). */
  linked(a: NodeId, b: NodeId): boolean;
  /** The client reaches the node and hears back. */
  clientReaches(id: NodeId): boolean;
}

export function whyNoAnswer(picture: ClusterPicture): string {
  const n = picture.nodes.length;
  const majority = quorumSize(n);
  const running = picture.nodes.filter((x) => x.running);
  const need = `a majority is ${majority}`;
  if (running.length < majority) {
    return `no leader: only ${running.length} of ${n} nodes ${running.length === 1 ? 'is' : 'are'} running; ${need}`;
  }
  const contacts = (id: NodeId): number => running.filter((x) => x.id === id || (picture.linked(id, x.id) && picture.linked(x.id, id))).length;
  const best = Math.max(...running.map((x) => contacts(x.id)));
  if (best < majority) {
    return `no leader: the network is split so that no node reaches a majority (at most ${best} of ${n} nodes together; ${need})`;
  }
  if (!running.some((x) => picture.clientReaches(x.id))) return 'the console cannot reach any running node: they are all cut off from it';
  const leader = running.filter((x) => x.role === 'leader').sort((a, b) => b.term - a.term)[0];
  if (leader === undefined) return `no leader yet: ${running.length} of ${n} nodes are running, but no election has been won so far`;
  if (!picture.clientReaches(leader.id)) return `n${leader.id} leads (term ${leader.term}), but the console cannot reach it`;
  const reach = contacts(leader.id);
  if (reach < majority) return `n${leader.id} believes it leads but reaches only ${reach} of ${n} nodes, so it cannot commit; ${need}`;
  return `n${leader.id} leads and reaches a majority, but no answer came back in time (messages lost or delayed)`;
}

/**
 * Why one node cannot commit anything, or undefined when it can reach a majority (or is not
 * running: then there is nothing to say about its network). For a request sent to that node only
 * (`@N`): Raft commits an entry once a majority has it, so a node cut off from the majority
 * cannot commit, whatever it answers.
 */
export function cutOffFromMajority(picture: ClusterPicture, id: NodeId): string | undefined {
  const n = picture.nodes.length;
  const majority = quorumSize(n);
  const self = picture.nodes.find((x) => x.id === id);
  if (self === undefined || !self.running) return undefined;
  const reach = picture.nodes.filter((x) => x.running && (x.id === id || (picture.linked(id, x.id) && picture.linked(x.id, id)))).length;
  if (reach >= majority) return undefined;
  const console = picture.clientReaches(id) ? '' : ' (and the console cannot reach it)';
  return `it is cut off from the majority: it reaches ${reach} of ${n} nodes and a majority is ${majority}${console}`;
}
