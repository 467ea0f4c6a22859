import { describe, expect, it } from 'vitest';
import type { ClientRequest } from '../core/types.ts';
import { ClientSession, CountingSeqSource } from './client-session.ts';
import type { ConsoleReply, RequestProgress } from './types.ts';
import { ConsoleClient, consoleStallMs } from './console-client.ts';
import { FakeClientTransport, reply } from './fake-client-transport.ts';

/** The console over a manual clock: attempts time out after 100 ms, requests are held after 500 ms. */
function setup(maxSessions = 4) {
  const t = new FakeClientTransport();
  const sessions: ClientSession[] = [];
  const client = new ConsoleClient((slot) => {
    const s = new ClientSession(`console-${slot}`, new CountingSeqSource(), t, { stallAfterMs: () => 500 });
    sessions.push(s);
    return s;
  }, { maxSessions, maxWaiting: 3 });
  const progress: RequestProgress[] = [];
  const submit = (command: Parameters<ConsoleClient['submit']>[0]) => client.submit(command, { onProgress: (p) => progress.push(p) });
  const answer = (m: ClientRequest, value: string | null = null) =>
    client.receive(reply(m, m.to, m.command.op === 'set'
      ? { kind: 'result', result: { op: 'set', ok: true }, index: 1 }
      : { kind: 'result', result: { op: 'get', ok: true, value }, index: 1 }));
  return { t, client, sessions, progress, submit, answer };
}

describe('ConsoleClient', () => {
  it('sends requests on different keys at once, each on its own session', async () => {
    const { t, submit, answer } = setup();
    const replies = [submit({ op: 'set', key: 'a', value: '1' }), submit({ op: 'set', key: 'b', value: '2' }), submit({ op: 'get', key: 'c' })];
    expect(t.sent).toHaveLength(3);
    expect(new Set(t.sent.map((m) => m.from)).size).toBe(3);
    for (const m of [...t.sent].reverse()) answer(m);
    expect((await Promise.all(replies)).map((r) => r.ok)).toEqual([true, true, true]);
  });

  it('keeps the typed order on one key: a GET waits for the SET before it, and says so', async () => {
    const { t, submit, answer, progress } = setup();
    const set = submit({ op: 'set', key: 'x', value: '1' });
    const get = submit({ op: 'get', key: 'x' });
    const keys = submit({ op: 'keys', prefix: '' });
    expect(t.sent).toHaveLength(1);
    expect(progress).toContainEqual(expect.objectContaining({ kind: 'queued', behind: 1, why: 'same-key' }));
    expect(progress).toContainEqual(expect.objectContaining({ kind: 'queued', behind: 2, why: 'same-key' })); // KEYS waits for both
    answer(t.sent[0]!);
    await set;
    expect(t.sent.map((m) => m.command.op)).toEqual(['set', 'get']);
    answer(t.sent[1]!, '1');
    expect((await get).text).toBe('"1"');
    await Promise.resolve();
    expect(t.sent.map((m) => m.command.op)).toEqual(['set', 'get', 'keys']);
    void keys;
  });

  it('waits for a free session when all are busy, and bounds what waits', async () => {
    const { t, submit, progress } = setup(2);
    void submit({ op: 'get', key: 'a' });
    void submit({ op: 'get', key: 'b' });
    void submit({ op: 'get', key: 'c' });
    expect(t.sent).toHaveLength(2);
    expect(progress.at(-1)).toMatchObject({ kind: 'queued', why: 'sessions-busy', behind: 2 });
    void submit({ op: 'get', key: 'd' });
    void submit({ op: 'get', key: 'e' });
    const refused = await submit({ op: 'get', key: 'f' });
    expect(refused.error).toMatch(/too many commands waiting/);
  });

  it('holds a request that got no answer within the bound, says why, and retries it with the same identity', async () => {
    const { t, client, submit, progress, answer } = setup();
    let settled: ConsoleReply | undefined;
    void submit({ op: 'get', key: 'k' }).then((r) => (settled = r));
    t.advance(499);
    expect(progress.some((p) => p.kind === 'held')).toBe(false);
    t.advance(200);
    const held = progress.find((p) => p.kind === 'held');
    expect(held).toMatchObject({ kind: 'held', reason: 'no leader: only 1 of 3 nodes is running; a majority is 2' });
    const sentWhenHeld = t.sent.length;
    t.advance(10_000);
    expect(t.sent).toHaveLength(sentWhenHeld); // held: no more traffic
    expect(settled).toBeUndefined(); // and not given up either
    expect(client.retry(held!.requestId)).toBe(true);
    expect(t.sent).toHaveLength(sentWhenHeld + 1);
    const again = t.sent.at(-1)!;
    expect([again.from, again.seq]).toEqual([t.sent[0]!.from, t.sent[0]!.seq]);
    answer(again, 'v');
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toMatchObject({ ok: true, text: '"v"', requestId: held!.requestId });
  });

  it('a late answer completes a held request; cancel gives one up with the outcome unknown', async () => {
    const { t, client, submit, progress, answer } = setup();
    const late = submit({ op: 'get', key: 'k' });
    const cancelled = submit({ op: 'set', key: 'w', value: '1' });
    t.advance(1000);
    const [heldGet, heldSet] = progress.filter((p) => p.kind === 'held');
    expect(heldGet && heldSet).toBeTruthy();
    answer(t.sent[0]!, 'late');
    expect((await late).text).toBe('"late"');
    expect(client.cancel(heldSet!.requestId)).toBe(true);
    const reply = await cancelled;
    expect(reply.ok).toBe(false);
    expect(reply.error).toBe('cancelled: the outcome is unknown (the write may still take effect, once)');
    expect(client.cancel(heldSet!.requestId)).toBe(false);
  });

  it('without a progress listener a stuck request fails with the reason instead of waiting', async () => {
    const { t, client } = setup();
    const done = client.submit({ op: 'get', key: 'k' });
    t.advance(1000);
    expect((await done).error).toBe('no leader: only 1 of 3 nodes is running; a majority is 2; the read did not complete (it changed nothing; try again)');
  });

  it('the bound is five election timeouts, and never fewer than three attempts', () => {
    expect(consoleStallMs(1000, 1500)).toBe(5000);
    expect(consoleStallMs(100, 1000)).toBe(3000);
  });
});
