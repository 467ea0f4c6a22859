import { describe, expect, it } from 'vitest';
import type { NodeId, Role } from '../core/types.ts';
import { cutOffFromMajority, whyNoAnswer } from './no-answer.ts';

type Node = { id: NodeId; running: boolean; role: Role | 'crashed'; term: number };
const up = (id: NodeId, role: Role = 'follower', term = 2): Node => ({ id, running: true, role, term });
const down = (id: NodeId): Node => ({ id, running: false, role: 'crashed', term: 2 });

function picture(nodes: Node[], cuts: [NodeId, NodeId][] = [], clientCut: NodeId[] = []) {
  const cut = new Set(cuts.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]));
  return { nodes, linked: (a: NodeId, b: NodeId) => !cut.has(`${a}>${b}`), clientReaches: (id: NodeId) => !clientCut.includes(id) };
}

describe('whyNoAnswer', () => {
  it('names too few running nodes first', () => {
    expect(whyNoAnswer(picture([up(1), down(2), down(3)]))).toBe('no leader: only 1 of 3 nodes is running; a majority is 2');
    expect(whyNoAnswer(picture([up(1), up(2), down(3), down(4), down(5)]))).toBe('no leader: only 2 of 5 nodes are running; a majority is 3');
  });

  it('names a split where no node reaches a majority', () => {
    const split = picture([up(1), up(2), up(3), up(4), up(5)], [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5], [3, 4], [3, 5], [4, 5]]);
    expect(whyNoAnswer(split)).toBe('no leader: the network is split so that no node reaches a majority (at most 2 of 5 nodes together; a majority is 3)');
  });

  it('names a console cut off from the leader, and a leader without a majority', () => {
    expect(whyNoAnswer(picture([up(1, 'leader'), up(2), up(3)], [], [1]))).toBe('n1 leads (term 2), but the console cannot reach it');
    expect(whyNoAnswer(picture([up(1), up(2), up(3)], [], [1, 2, 3]))).toBe('the console cannot reach any running node: they are all cut off from it');
    expect(whyNoAnswer(picture([up(1, 'leader'), up(2), up(3)], [[1, 2], [1, 3]]))).toBe('n1 believes it leads but reaches only 1 of 3 nodes, so it cannot commit; a majority is 2');
  });

  it('says an election is still to be won, or that messages must be lost', () => {
    expect(whyNoAnswer(picture([up(1, 'candidate'), up(2), up(3)]))).toBe('no leader yet: 3 of 3 nodes are running, but no election has been won so far');
    expect(whyNoAnswer(picture([up(1, 'leader'), up(2), up(3)]))).toBe('n1 leads and reaches a majority, but no answer came back in time (messages lost or delayed)');
  });
});

describe('cutOffFromMajority', () => {
  it('says why an isolated node cannot commit, and nothing for a node with a majority', () => {
    const isolated = picture([up(1, 'leader'), up(2), up(3)], [[1, 2], [1, 3]], [1]);
    expect(cutOffFromMajority(isolated, 1)).toBe('it is cut off from the majority: it reaches 1 of 3 nodes and a majority is 2 (and the console cannot reach it)');
    expect(cutOffFromMajority(isolated, 2)).toBeUndefined();
    const dragged = picture([up(1), up(2), up(3), up(4), up(5)], [[1, 3], [1, 4], [1, 5], [2, 3], [2, 4], [2, 5]]);
    expect(cutOffFromMajority(dragged, 2)).toBe('it is cut off from the majority: it reaches 2 of 5 nodes and a majority is 3');
    expect(cutOffFromMajority(picture([down(1), up(2), up(3)]), 1)).toBeUndefined();
  });
});
