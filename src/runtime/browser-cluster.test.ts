/** The whole runtime in Node (see in-process-cluster.ts). */
import 'fake-indexeddb/auto';
import { promisifyRequest } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { fast, leaderOf, setup, start, until } from './in-process-cluster.ts';
import { CONFIG_KEY, defaultConfig, loadConfig } from './config.ts';
import { createNodeStore, deleteNodeDatabase, IdbStorage, MemoryNodeStorage, type NodeStorage } from './idb-storage.ts';
import { nodeDbName } from './protocol.ts';

describe('BrowserCluster', () => {
  it('elects a leader, commits a write, and keeps it across a crash of every node', async () => {
    const s = setup();
    const cluster = start(s);
    await until(() => leaderOf(cluster), 'a leader');
    const set = await cluster.submit({ op: 'set', key: 'greeting', value: 'hello' });
    expect(set).toMatchObject({ ok: true, text: 'OK' });
    expect(set.path.at(-1)).toBe(set.answeredBy);
    for (const id of [1, 2, 3]) cluster.crash(id);
    expect(cluster.snapshot().nodes.map((n) => n.role)).toEqual(['crashed', 'crashed', 'crashed']);
    for (const id of [1, 2, 3]) cluster.restart(id);
    await until(() => leaderOf(cluster), 'a leader after restart');
    const get = await cluster.submit({ op: 'get', key: 'greeting' });
    expect(get).toMatchObject({ ok: true, text: '"hello"' });
  });

  it('a new page (new controller, same storage) restarts the saved cluster with its data', async () => {
    const s = setup();
    const five = defaultConfig({ ...fast, nodes: 5 });
    const first = start(s, five);
    await until(() => leaderOf(first), 'a leader');
    expect((await first.submit({ op: 'set', key: 'k', value: 'v1' })).ok).toBe(true);
    first.dispose();
    const saved = loadConfig(s.store);
    expect(saved.kind === 'saved' && saved.config.nodes).toBe(5);
    const second = start(s, saved.kind === 'saved' ? saved.config : fast);
    await until(() => leaderOf(second), 'a leader after reload');
    expect(second.snapshot().nodes).toHaveLength(5);
    expect((await second.submit({ op: 'get', key: 'k' })).text).toBe('"v1"');
  });

  it('a corrupted record stops that node with the reason; the others go on', async () => {
    const s = setup();
    const first = start(s);
    await until(() => leaderOf(first), 'a leader');
    expect((await first.submit({ op: 'set', key: 'a', value: '1' })).ok).toBe(true);
    first.dispose();
    const store = createNodeStore(s.prefix + nodeDbName(2));
    await store('readwrite', (os) => {
      os.put({ index: 1, term: 'x', data: { type: 'noop' } }, 1);
      return promisifyRequest(os.transaction);
    });
    const second = start(s);
    const broken = await until(() => second.snapshot().nodes.find((n) => n.id === 2 && n.error !== undefined), 'node 2 refusing');
    expect(broken.role).toBe('crashed');
    expect(broken.error).toMatch(/Node 2 refuses to start: corrupted record "entry 1" in database raft-node-2: bad term/);
    expect(second.snapshot().warnings.join('\n')).toMatch(/corrupted record/);
    await until(() => leaderOf(second), 'a leader among nodes 1 and 3');
    expect((await second.submit({ op: 'get', key: 'a' })).text).toBe('"1"');
  });

  it('a write that hits the quota stops that node with the reason (no acknowledgement from memory); a restart reopens its database', async () => {
    const s = setup();
    let full = false;
    s.storageFor.set(3, (init) => {
      const real = new IdbStorage(createNodeStore(s.prefix + init.dbName));
      return {
        mode: 'indexeddb', load: () => real.load(), durable: () => real.durable(),
        save: (batch) => (full ? Promise.resolve({ ok: false, error: { kind: 'quota', message: 'QuotaExceededError: full' } }) : real.save(batch)),
      } satisfies NodeStorage;
    });
    const cluster = start(s);
    await until(() => leaderOf(cluster), 'a leader');
    expect((await cluster.submit({ op: 'set', key: 'q', value: '1' })).ok).toBe(true);
    await until(() => cluster.snapshot().nodes.find((n) => n.id === 3 && n.kv.some(([k]) => k === 'q')), 'node 3 has q');
    full = true;
    expect((await cluster.submit({ op: 'set', key: 'q2', value: '2' })).ok).toBe(true); // the other two still commit
    const stopped = await until(() => cluster.snapshot().nodes.find((n) => n.id === 3 && !n.alive), 'node 3 to stop');
    expect(stopped.error).toMatch(/^Node 3 stopped: the storage quota is exceeded \(QuotaExceededError: full\)/);
    expect(cluster.snapshot().warnings.join('\n')).toMatch(/Node 3 stopped: the storage quota is exceeded/);
    expect(cluster.snapshot().nodes.every((n) => n.storage === 'indexeddb')).toBe(true);
    full = false;
    cluster.restart(3);
    const back = await until(() => cluster.snapshot().nodes.find((n) => n.id === 3 && n.alive && n.kv.some(([k]) => k === 'q2')), 'node 3 back with q2');
    expect(back.kv).toContainEqual(['q', '1']); // reopened its database: what it had is still there
  });

  it('a database deleted while the node runs stops that node; restart refuses to recreate it empty; wipe does', async () => {
    const s = setup();
    const cluster = start(s);
    await until(() => leaderOf(cluster), 'a leader');
    expect((await cluster.submit({ op: 'set', key: 'd', value: '1' })).ok).toBe(true);
    const victim = cluster.snapshot().nodes.find((n) => n.role !== 'leader')!.id;
    await until(() => cluster.snapshot().nodes.find((n) => n.id === victim && n.durable.lastIndex >= 2), 'the write on the victim\'s disk');
    await deleteNodeDatabase(s.prefix + nodeDbName(victim));
    const stopped = await until(() => cluster.snapshot().nodes.find((n) => n.id === victim && !n.alive), 'the victim to stop');
    expect(stopped.error).toBe(`Node ${victim} stopped: its database ${s.prefix}${nodeDbName(victim)} was deleted while it ran. It acknowledged nothing it could not keep; Restart reopens its database.`);
    cluster.restart(victim);
    const refused = await until(() => cluster.snapshot().nodes.find((n) => n.id === victim && !n.alive && /refuses to start/.test(n.error ?? '')), 'the restart to be refused');
    expect(refused.error).toMatch(/is empty, but the node had state .*use Wipe/);
    cluster.wipe(victim);
    const wiped = await until(() => cluster.snapshot().nodes.find((n) => n.id === victim && n.alive && n.kv.some(([k]) => k === 'd')), 'the wiped node to catch up');
    expect(wiped.storage).toBe('indexeddb');
  });

  it('a node whose database cannot be opened refuses to start and says why; the others go on', async () => {
    const s = setup();
    s.storageFor.set(1, () => new IdbStorage(() => Promise.reject(new Error('IndexedDB refused'))));
    const cluster = start(s);
    const node1 = await until(() => cluster.snapshot().nodes.find((n) => n.id === 1 && n.error !== undefined), 'node 1 refusing');
    expect(node1.alive).toBe(false);
    expect(node1.error).toBe('Node 1 refuses to start: IndexedDB is unavailable: IndexedDB refused');
    await until(() => leaderOf(cluster), 'a leader among nodes 2 and 3');
  });

  it('a cluster without IndexedDB runs in memory as a whole, and says so', async () => {
    const s = setup();
    s.deps.indexedDbAvailable = false;
    const cluster = start(s);
    expect(cluster.storage).toBe('memory');
    await until(() => leaderOf(cluster), 'a leader');
    expect(cluster.snapshot().nodes.every((n) => n.storage === 'memory')).toBe(true);
    expect(cluster.snapshot().warnings.join('\n')).toMatch(/every node runs on in-memory storage/);
  });

  it('a node that throws is shown crashed with the error, and restarts', async () => {
    const s = setup();
    s.storageFor.set(2, () => ({
      mode: 'indexeddb', load: () => new MemoryNodeStorage().load(), durable: () => ({ hardState: { term: 0, vote: 0, commit: 0 }, lastIndex: 0, snapshotIndex: 0 }),
      save: () => Promise.reject(new Error('disk on fire')),
    }));
    const cluster = start(s);
    const crashed = await until(() => cluster.snapshot().nodes.find((n) => n.id === 2 && n.error !== undefined), 'node 2 crashing');
    expect(crashed.role).toBe('crashed');
    expect(crashed.error).toMatch(/disk on fire/);
    s.storageFor.delete(2);
    cluster.restart(2);
    await until(() => cluster.snapshot().nodes.find((n) => n.id === 2 && n.alive && n.error === undefined), 'node 2 restarted');
  });

  it('wipe deletes the node database and restarts it empty; a new leader brings it up to date', async () => {
    const s = setup();
    const cluster = start(s);
    await until(() => leaderOf(cluster), 'a leader');
    expect((await cluster.submit({ op: 'set', key: 'w', value: '1' })).ok).toBe(true);
    const follower = cluster.snapshot().nodes.find((n) => n.role === 'follower')!.id;
    cluster.wipe(follower);
    const back = await until(() => cluster.snapshot().nodes.find((n) => n.id === follower && n.alive), 'the wiped node back');
    expect(back.lastIndex).toBe(0);
    expect(back.durable).toEqual({ term: 0, vote: 0, commit: 0, lastIndex: 0, snapshotIndex: 0 });
    // The current leader still believes the wiped node holds what it acknowledged (Raft assumes
    // disks are not wiped) and will not resend it; a new leader starts from scratch and does.
    const leader = leaderOf(cluster)!;
    cluster.crash(leader);
    cluster.restart(leader);
    const caughtUp = await until(() => cluster.snapshot().nodes.find((n) => n.id === follower && n.kv.some(([k]) => k === 'w')), 'catch-up');
    expect(caughtUp.kv).toContainEqual(['w', '1']);
  });

  it('partitions client traffic too: an isolated leader is routed around', async () => {
    const s = setup();
    const cluster = start(s);
    const leader = await until(() => leaderOf(cluster), 'a leader');
    cluster.isolate(leader);
    const reply = await cluster.submit({ op: 'set', key: 'p', value: '1' });
    expect(reply.ok).toBe(true);
    expect(reply.answeredBy).not.toBe(leader);
  });

  it('a write sent to a node cut off from the majority says it could not commit, and why (#17 item 5)', async () => {
    const s = setup();
    const cluster = start(s);
    const leader = await until(() => leaderOf(cluster), 'a leader');
    cluster.isolate(leader);
    const isolated = await cluster.submit({ op: 'set', key: 'x', value: '1' }, { target: leader });
    expect(isolated.ok).toBe(false);
    expect(isolated.error).toBe(`n${leader} could not commit it: it is cut off from the majority: it reaches 1 of 3 nodes and a majority is 2 (and the console cannot reach it); the outcome is unknown until n${leader} rejoins (the write may still take effect, once)`);
    // Cut off from the others but not from the console (a node dragged away): it answers, and
    // whatever it answers, it could not commit.
    cluster.heal();
    const next = await until(() => leaderOf(cluster), 'a leader after healing');
    cluster.partition([[next], [1, 2, 3].filter((id) => id !== next)]);
    const dragged = await cluster.submit({ op: 'set', key: 'x', value: '2' }, { target: next });
    expect(dragged.error).toMatch(new RegExp(`^n${next} could not commit it: it is cut off from the majority: it reaches 1 of 3 nodes and a majority is 2; `));
  });

  it('pause stops ticks and delivery; step delivers one message', async () => {
    const s = setup();
    const cluster = start(s);
    await until(() => leaderOf(cluster), 'a leader');
    cluster.pause();
    await new Promise((r) => setTimeout(r, 100));
    const before = cluster.snapshot();
    expect(before.paused).toBe(true);
    const pending = cluster.submit({ op: 'set', key: 's', value: '1' });
    await new Promise((r) => setTimeout(r, 200));
    const held = cluster.snapshot().inFlight;
    expect(held.some((m) => m.type === 'ClientRequest')).toBe(true);
    const terms = cluster.snapshot().nodes.map((n) => n.term);
    await new Promise((r) => setTimeout(r, 300)); // 30 ticks at speed 1: elections would happen if ticking
    expect(cluster.snapshot().nodes.map((n) => n.term)).toEqual(terms);
    expect(cluster.step()).toBe(true);
    cluster.resume();
    expect((await pending).ok).toBe(true);
  });

  it('readLog returns entries of a running node and rejects for a crashed one', async () => {
    const s = setup();
    const cluster = start(s);
    const leader = await until(() => leaderOf(cluster), 'a leader');
    await cluster.submit({ op: 'set', key: 'r', value: '1' });
    const entries = await cluster.readLog(leader, 1, 10);
    expect(entries.map((e) => e.label)).toContain('SET r 1');
    cluster.crash(leader);
    await expect(cluster.readLog(leader, 1, 10)).rejects.toThrow(/not running/);
  });

  it('newCluster wipes every database and starts the new size; the config is saved', async () => {
    const s = setup();
    const cluster = start(s);
    await until(() => leaderOf(cluster), 'a leader');
    await cluster.submit({ op: 'set', key: 'old', value: '1' });
    await cluster.newCluster(5);
    expect(cluster.snapshot().nodes).toHaveLength(5);
    expect(JSON.parse(s.store.data.get(CONFIG_KEY)!).config.nodes).toBe(5);
    await until(() => leaderOf(cluster), 'a leader in the new cluster');
    expect((await cluster.submit({ op: 'get', key: 'old' })).text).toBe('(nil)');
  });

  it('newCluster answers the old cluster\'s unfinished requests and forgets its leader (#17 item 3)', async () => {
    const s = setup();
    const cluster = start(s, defaultConfig({ ...fast, nodes: 5 }));
    await until(() => leaderOf(cluster), 'a leader');
    // The session learns who leads the old cluster.
    expect((await cluster.submit({ op: 'set', key: 'warm', value: '1' })).ok).toBe(true);
    cluster.pause();
    const pending = cluster.submit({ op: 'set', key: 'old', value: '1' }, { onProgress: () => undefined });
    await cluster.newCluster(3);
    cluster.resume();
    const reply = await pending;
    expect(reply.ok).toBe(false);
    expect(reply.error).toMatch(/^the cluster was replaced; the outcome is unknown/);
    await until(() => leaderOf(cluster), 'a leader in the new cluster');
    const get = await cluster.submit({ op: 'get', key: 'old' });
    expect(get.text).toBe('(nil)');
    expect(get.path.every((id) => id >= 1 && id <= 3)).toBe(true);
  });
});
