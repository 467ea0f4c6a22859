import { describe, expect, it } from 'vitest';
import { emptyView } from '../../runtime/node-view.ts';
import { configurationText, outsideCluster, roleCaption, shownRole } from './membership.ts';

const up = { ...emptyView(4, 10), alive: true, role: 'follower' as const };

describe('membership on a node', () => {
  it('a running learner shows as a learner; a crashed one as crashed', () => {
    const learner = { ...up, voter: false, learner: true, configuration: { voters: [1, 2, 3], learners: [4] } };
    expect(shownRole(learner)).toBe('learner');
    expect(roleCaption(learner)).toBe('learner (no vote yet)');
    expect(shownRole({ ...learner, alive: false, role: 'crashed' })).toBe('crashed');
  });

  it('a node outside the configuration it knows says so', () => {
    const removed = { ...up, voter: false, learner: false, configuration: { voters: [1, 2, 3], learners: [] } };
    expect(outsideCluster(removed)).toBe(true);
    expect(roleCaption(removed)).toBe('not in the cluster');
    expect(outsideCluster({ ...removed, voter: true })).toBe(false);
    // The cluster's committed configuration wins: a removed node may never hear of its removal.
    const unaware = { ...up, voter: true, configuration: { voters: [1, 2, 3, 4], learners: [] } };
    expect(roleCaption(unaware, { voters: [1, 2, 3], learners: [] })).toBe('not in the cluster');
  });

  it('reads a configuration in words', () => {
    expect(configurationText({ voters: [1, 2, 3], learners: [4] })).toBe('voters 1,2,3 · learners 4');
    expect(configurationText({ voters: [1, 2], learners: [] })).toBe('voters 1,2');
  });
});
