import { describe, expect, it } from 'vitest';
import { protocolNotes } from './protocol-notes.ts';

describe('protocolNotes', () => {
  it('names only what differs from the defaults', () => {
    expect(protocolNotes({ preVote: true, checkQuorum: true, reads: 'read-index' })).toEqual([]);
    expect(protocolNotes({ preVote: false, checkQuorum: true, reads: 'lease' })).toEqual(['PreVote off', 'lease reads']);
    expect(protocolNotes({ preVote: true, checkQuorum: false, reads: 'read-index' })).toEqual(['CheckQuorum off']);
  });
});
