/**
 * TEST SUPPORT: a client session's transport over a manual clock. Sent requests are recorded,
 * not delivered; a test answers them with reply().
 */
import type { ClientReply, ClientReplyBody, ClientRequest, NodeId } from '../core/types.ts';
import type { ClientTransport } from './client-session.ts';
import { FakeTimers } from '../core/fake-timers.ts';

export class FakeClientTransport extends FakeTimers implements ClientTransport {
  sent: ClientRequest[] = [];
  paused = false;
  why = 'no leader: only 1 of 3 nodes is running; a majority is 2';

  send(m: ClientRequest): void {
    this.sent.push(m);
  }
  nodeIds(): NodeId[] {
    return [1, 2, 3];
  }
  isPaused(): boolean {
    return this.paused;
  }
  attemptTimeoutMs(): number {
    return 100;
  }
  backoffMs(): number {
    return 10;
  }
  whyNoAnswer(): string {
    return this.why;
  }
}

export function reply(to: ClientRequest, from: NodeId, body: ClientReplyBody): ClientReply {
  return { type: 'ClientReply', from, to: to.from, seq: to.seq, body };
}
