/**
 * One message as one line of a scenario script: who to whom, the type, then the fields that
 * matter, in a fixed order (`last=3@2` is index 3 at term 2).
 */
import { unreachable } from '../core/assert.ts';
import type { KvCommand } from '../core/kv-types.ts';
import type { ClientReplyBody, Entry, Message } from '../core/types.ts';
import { resultText } from '../client/client-session.ts';
import { configChangeLabel, configurationLabel } from '../core/config-change.ts';

export function messageLine(m: Message): string {
  return `${m.from}->${m.to} ${m.type} ${messageFields(m)}`.trimEnd();
}

function messageFields(m: Message): string {
  switch (m.type) {
    case 'PreVote':
    case 'RequestVote':
      return `term=${m.term} last=${m.lastLogIndex}@${m.lastLogTerm}${m.transfer === true ? ' transfer' : ''}`;
    case 'TimeoutNow':
      return `term=${m.term}`;
    case 'InstallSnapshot':
      return `term=${m.term} snap=${m.snapshotIndex}@${m.snapshotTerm} chunk=${m.offset}+${m.chunk.length}/${m.totalLength}`;
    case 'InstallSnapshotResp':
      return `term=${m.term} snap=${m.snapshotIndex} at=${m.offset} received=${m.received}${m.matchIndex > 0 ? ` match=${m.matchIndex}` : ''}`;
    case 'PreVoteResp':
    case 'RequestVoteResp':
      return `term=${m.term} ${m.granted ? 'granted' : 'rejected'}`;
    case 'AppendEntries':
      return `term=${m.term} prev=${m.prevLogIndex}@${m.prevLogTerm} commit=${m.commit} entries=[${m.entries.map(entryLine).join(', ')}]`;
    case 'AppendEntriesResp':
      return m.success
        ? `term=${m.term} ok match=${m.matchIndex}`
        : `term=${m.term} reject at=${m.rejectedIndex} hint=${m.conflictIndex}@${m.conflictTerm}`;
    case 'Heartbeat':
      return `term=${m.term} commit=${m.commit} read=${m.readContext}${m.lease !== undefined ? ` lease=${m.lease}` : ''}`;
    case 'HeartbeatResp':
      return `term=${m.term} read=${m.readContext} last=${m.lastIndex}${m.lease !== undefined ? ` lease=${m.lease}` : ''}`;
    case 'ClientRequest':
      return `seq=${m.seq} ${commandText(m.command)}`;
    case 'ClientReply':
      return `seq=${m.seq} ${replyText(m.body)}`;
    default:
      return unreachable(m);
  }
}

/** `3@2 SET k v`: index 3, term 2, what it carries. */
export function entryLine(e: Entry): string {
  const d = e.data;
  if (d.type === 'noop') return `${e.index}@${e.term} noop`;
  if (d.type === 'config') return `${e.index}@${e.term} CONFIG ${configChangeLabel(d.change)} (${configurationLabel(d.config)})`;
  return `${e.index}@${e.term} ${commandText(d.command)} (${d.clientId}#${d.seq})`;
}

function commandText(c: KvCommand): string {
  switch (c.op) {
    case 'set':
      return `SET ${c.key} ${c.value}`;
    case 'get':
      return `GET ${c.key}`;
    case 'del':
      return `DEL ${c.key}`;
    case 'cas':
      return `CAS ${c.key} ${c.expected ?? 'nil'} ${c.value}`;
    case 'keys':
      return `KEYS ${c.prefix}`.trimEnd();
    default:
      return unreachable(c);
  }
}

function replyText(body: ClientReplyBody): string {
  switch (body.kind) {
    case 'result':
      return `${resultText(body.result).replace(/\n/g, ' ')} @${body.index}`;
    case 'redirect':
      return `redirect lead=${body.leaderHint}`;
    case 'error':
      return `error ${body.error.code}`;
    case 'retry':
      return `retry (${body.reason})`;
    default:
      return unreachable(body);
  }
}
