/**
 * TEST-ONLY known-bad protocol variants. Each is a real mistake people make when implementing
 * Raft; the fuzzer must catch every one of them (that is how we know the checker has teeth).
 * Normal code never sets one: each variant is a single `bug === '...'` switch at the one place
 * the mistake lives, so the correct path stays readable.
 */
export const BUG_NAMES = [
  'vote-ignores-log',
  'commit-old-term',
  'forget-vote',
  'stale-read',
  'no-truncate',
  'ack-before-persist',
  'no-dedup',
  'snapshot-uncommitted',
  'concurrent-config-change',
  'learner-in-quorum',
] as const;

export type BugName = (typeof BUG_NAMES)[number];

export const BUG_DESCRIPTIONS: Record<BugName, string> = {
  'vote-ignores-log': 'grant a vote without the log up-to-date check',
  'commit-old-term': 'commit entries from earlier terms by counting replicas (Figure 8)',
  'forget-vote': 'the vote is not persisted',
  'stale-read': 'the leader answers GET from local state without ReadIndex',
  'no-truncate': 'append without truncating a conflicting suffix',
  'ack-before-persist': 'acknowledge appends before they are durable',
  'no-dedup': 'a retried client request is applied twice',
  'snapshot-uncommitted': 'a snapshot includes entries that are not committed yet',
  'concurrent-config-change': 'a second membership change is proposed before the first commits',
  'learner-in-quorum': "a learner's acknowledgement counts toward the voters' majority",
};

export function isBugName(name: string): name is BugName {
  return (BUG_NAMES as readonly string[]).includes(name);
}
