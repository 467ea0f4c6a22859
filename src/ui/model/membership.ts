/**
 * How membership shows on a node: the role the picture and the tests read (`data-role`: a
 * running learner is 'learner', whatever its Raft role), and the words under the glyph. Pure.
 */
import type { NodeView } from '../../runtime/cluster-api.ts';
import type { Configuration } from '../../core/types.ts';
import { configurationLabel } from '../../core/config-change.ts';

export type ShownRole = NodeView['role'] | 'learner';

type Member = Pick<NodeView, 'id' | 'role' | 'alive' | 'voter' | 'learner' | 'configuration'>;

/**
 * `committed` is the cluster's configuration as the leader has it, when known: a removed node
 * may never hear of its removal, so its own view alone would still say "voter".
 */
export function shownRole(node: Member, committed?: Configuration): ShownRole {
  const learner = committed?.learners.includes(node.id) ?? node.learner;
  return node.alive && learner && node.role !== 'leader' ? 'learner' : node.role;
}

/** A running node that is neither voter nor learner: removed (or added and not yet known). */
export function outsideCluster(node: Member, committed?: Configuration): boolean {
  if (!node.alive) return false;
  if (committed !== undefined) return !committed.voters.includes(node.id) && !committed.learners.includes(node.id);
  return node.configuration !== undefined && !node.voter && !node.learner;
}

/** The text under a node's glyph. */
export function roleCaption(node: Member, committed?: Configuration): string {
  if (!node.alive) return '✕ crashed';
  if (outsideCluster(node, committed)) return 'not in the cluster';
  const role = shownRole(node, committed);
  return role === 'learner' ? 'learner (no vote yet)' : role === 'pre-candidate' ? 'pre-candidate' : role;
}

/** "voters 1,2,3 · learners 4", as a person reads it. */
export function configurationText(config: Configuration): string {
  return configurationLabel(config).replace(' learners', ' · learners');
}
