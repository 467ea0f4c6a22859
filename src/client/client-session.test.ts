import { describe, expect, it } from 'vitest';
import { ClientSession, CountingSeqSource } from './client-session.ts';
import { PersistentSession, type KeyValueStore } from './persistent-session.ts';
import type { ConsoleReply } from './types.ts';
import { FakeClientTransport as FakeTransport, reply } from './fake-client-transport.ts';

function setup(): { t: FakeTransport; s: ClientSession; replies: ConsoleReply[] } {
  const t = new FakeTransport();
  const s = new ClientSession('c1', new CountingSeqSource(), t, { maxQueued: 2, maxAttempts: 5 });
  return { t, s, replies: [] };
}

describe('ClientSession', () => {
  it('a targeted request goes to that node only: a redirect is reported, not followed', async () => {
    const { t, s } = setup();
    const done = s.submit({ op: 'set', key: 'k', value: 'v' }, { target: 2 });
    expect(t.sent.map((m) => m.to)).toEqual([2]);
    s.receive(reply(t.sent[0]!, 2, { kind: 'redirect', leaderHint: 3 }));
    const answer = await done;
    expect(t.sent).toHaveLength(1);
    expect(answer).toMatchObject({ ok: false, answeredBy: 2, path: [2] });
    expect(answer.text).toBe('(error) n2 is not the leader: it points to n3');
  });

  it('a targeted request that gets no answer says the outcome is unknown, without trying another node', async () => {
    const { t, s } = setup();
    const done = s.submit({ op: 'set', key: 'k', value: 'v' }, { target: 1 });
    t.advance(150);
    expect(t.sent).toHaveLength(1); // the usual 100 ms attempt timeout does not move it on
    t.advance(100);
    const answer = await done;
    expect(answer.ok).toBe(false);
    expect(answer.text).toMatch(/no answer from n1 within 0\.2 s: the outcome is unknown/);
    expect(t.sent.map((m) => m.to)).toEqual([1]);
  });

  it('follows a redirect at once, with the same seq, and reports the path and latency', async () => {
    const { t, s } = setup();
    const done = s.submit({ op: 'set', key: 'k', value: 'v' });
    const first = t.sent[0]!;
    const leader = first.to === 3 ? 1 : 3;
    t.nowMs = 7;
    s.receive(reply(first, first.to, { kind: 'redirect', leaderHint: leader }));
    const second = t.sent[1]!;
    expect(second.to).toBe(leader);
    expect(second.seq).toBe(first.seq);
    t.nowMs = 12;
    s.receive(reply(second, leader, { kind: 'result', result: { op: 'set', ok: true }, index: 4 }));
    const answer = await done;
    expect(answer).toMatchObject({ ok: true, text: 'OK', answeredBy: leader, path: [first.to, leader], latencyMs: 12 });
  });

  it('retries another node with the same seq after a timeout, and again after a retry answer', async () => {
    const { t, s } = setup();
    const done = s.submit({ op: 'get', key: 'k' });
    t.advance(100);
    expect(t.sent).toHaveLength(2);
    expect(t.sent[1]!.to).not.toBe(t.sent[0]!.to);
    s.receive(reply(t.sent[1]!, t.sent[1]!.to, { kind: 'retry', reason: 'leadership lost' }));
    expect(t.sent).toHaveLength(2);
    t.advance(10);
    expect(t.sent).toHaveLength(3);
    expect(new Set(t.sent.map((m) => m.seq)).size).toBe(1);
    s.receive(reply(t.sent[2]!, t.sent[2]!.to, { kind: 'result', result: { op: 'get', ok: true, value: null }, index: 1 }));
    expect((await done).text).toBe('(nil)');
  });

  it('gives each operation a new seq, runs them one at a time, and ignores late duplicates', async () => {
    const { t, s } = setup();
    const a = s.submit({ op: 'set', key: 'a', value: '1' });
    const b = s.submit({ op: 'set', key: 'b', value: '2' });
    expect(t.sent).toHaveLength(1);
    const ra = reply(t.sent[0]!, 1, { kind: 'result', result: { op: 'set', ok: true }, index: 2 });
    s.receive(ra);
    expect(t.sent).toHaveLength(2);
    expect(t.sent[1]!.seq).toBe(t.sent[0]!.seq + 1);
    s.receive(ra); // a duplicate of the first answer must not complete the second operation
    expect(s.busy()).toBe(true);
    s.receive(reply(t.sent[1]!, 1, { kind: 'result', result: { op: 'set', ok: true }, index: 3 }));
    expect((await a).ok && (await b).ok).toBe(true);
    expect(s.busy()).toBe(false);
  });

  it('does not count time while the cluster is paused', () => {
    const { t, s } = setup();
    void s.submit({ op: 'get', key: 'k' });
    t.paused = true;
    t.advance(10_000);
    expect(t.sent).toHaveLength(1);
    t.paused = false;
    t.advance(100);
    expect(t.sent).toHaveLength(2);
  });

  it('gives up after maxAttempts with outcome unknown, and bounds its queue', async () => {
    const { t, s } = setup();
    const done = s.submit({ op: 'set', key: 'k', value: 'v' });
    void s.submit({ op: 'get', key: 'k' });
    void s.submit({ op: 'get', key: 'k' });
    const refused = await s.submit({ op: 'get', key: 'k' });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/too many commands/) });
    t.advance(100 * 5);
    const answer = await done;
    expect(answer.ok).toBe(false);
    expect(answer.error).toMatch(/outcome is unknown/);
    expect(answer.path).toHaveLength(5);
  });

  it('reports a rejected command as an error answered by the node', async () => {
    const { t, s } = setup();
    const done = s.submit({ op: 'set', key: '', value: 'v' });
    s.receive(reply(t.sent[0]!, 2, { kind: 'error', error: { code: 'empty-key', message: 'the key must not be empty' } }));
    expect(await done).toMatchObject({ ok: false, text: '(error) the key must not be empty', answeredBy: 2 });
  });
});

describe('PersistentSession', () => {
  function memoryStore(): KeyValueStore & { data: Map<string, string> } {
    const data = new Map<string, string>();
    return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v) };
  }

  it('keeps the client id and never reuses a seq across page loads', () => {
    const store = memoryStore();
    const first = new PersistentSession(store, Math.random);
    expect([first.next(), first.next()]).toEqual([1, 2]);
    const reloaded = new PersistentSession(store, Math.random);
    expect(reloaded.clientId).toBe(first.clientId);
    expect(reloaded.next()).toBe(3);
  });

  it('starts a new session when the saved one is unreadable', () => {
    const store = memoryStore();
    store.setItem('raft-kv-playground:console-session', '{"clientId": 5, "seq": "x"}');
    const session = new PersistentSession(store, Math.random);
    expect(session.clientId).toMatch(/^console-[a-z0-9]+$/);
    expect(session.next()).toBe(1);
  });
});
