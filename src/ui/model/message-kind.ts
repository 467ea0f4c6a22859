/** How a message is drawn: its category (colour) and a short name. Pure. */
import { unreachable } from '../../core/assert.ts';
import type { MessageType } from '../../core/types.ts';

export type MessageKind = 'vote' | 'vote-resp' | 'append' | 'heartbeat' | 'snapshot' | 'response' | 'client';

export function messageKind(type: MessageType): MessageKind {
  switch (type) {
    case 'PreVote':
    case 'RequestVote':
    case 'TimeoutNow': // it starts an election
      return 'vote';
    case 'PreVoteResp':
    case 'RequestVoteResp':
      return 'vote-resp';
    case 'AppendEntries':
      return 'append';
    case 'Heartbeat':
      return 'heartbeat';
    case 'InstallSnapshot':
      return 'snapshot';
    case 'AppendEntriesResp':
    case 'HeartbeatResp':
    case 'InstallSnapshotResp':
      return 'response';
    case 'ClientRequest':
    case 'ClientReply':
      return 'client';
    default:
      return unreachable(type);
  }
}

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  vote: 'vote request',
  'vote-resp': 'vote response',
  append: 'append entries',
  heartbeat: 'heartbeat',
  snapshot: 'snapshot chunk',
  response: 'append/heartbeat response',
  client: 'client request/reply',
};

/** Pre-votes are drawn hollow: they ask "would you?" and change nobody's term. */
export function isPreVote(type: MessageType): boolean {
  return type === 'PreVote' || type === 'PreVoteResp';
}
