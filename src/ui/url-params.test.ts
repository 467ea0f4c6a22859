import { describe, expect, it } from 'vitest';
import { MAX_PRELOAD, parsePageParams } from './url-params.ts';

describe('parsePageParams (#17 item 6)', () => {
  it('reads the documented forms without a notice', () => {
    expect(parsePageParams('')).toEqual({ system: 'raft', offline: false, seed: undefined, preload: 0, notices: [] });
    expect(parsePageParams('?offline&seed=7&preload=30')).toEqual({ system: 'raft', offline: true, seed: 7, preload: 30, notices: [] });
    expect(parsePageParams('?system=raft&offline=1&seed=0')).toMatchObject({ offline: true, seed: 0, notices: [] });
    expect(parsePageParams('?offline=true&debug')).toMatchObject({ offline: true, notices: [] });
  });

  it('offline=0 and offline=false mean off', () => {
    expect(parsePageParams('?offline=0')).toMatchObject({ offline: false, notices: [] });
    expect(parsePageParams('?offline=FALSE')).toMatchObject({ offline: false, notices: [] });
  });

  it('an offline value it does not know runs offline and says so', () => {
    const p = parsePageParams('?offline=yes');
    expect(p.offline).toBe(true);
    expect(p.notices).toEqual([expect.stringContaining('offline="yes" is not 1, true, 0 or false')]);
  });

  it('a seed that is not a non-negative safe integer falls back to a random seed, with a notice', () => {
    for (const bad of ['abc', '-1', '1.5', '1e3', '', '9007199254740993', ' 4']) {
      const p = parsePageParams(`?offline&seed=${encodeURIComponent(bad)}`);
      expect(p.seed, bad).toBeUndefined();
      expect(p.notices, bad).toEqual([expect.stringContaining('seed=')]);
      expect(p.notices[0], bad).toContain('a random seed is used');
    }
    expect(parsePageParams('?offline&seed=9007199254740991').seed).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('seed and preload without offline are ignored, with a notice', () => {
    const p = parsePageParams('?seed=5&preload=3');
    expect(p).toMatchObject({ offline: false, seed: undefined, preload: 0 });
    expect(p.notices).toHaveLength(2);
    expect(p.notices[0]).toContain('only applies to the offline cluster');
  });

  it('caps preload', () => {
    const p = parsePageParams(`?offline&preload=${MAX_PRELOAD + 1}`);
    expect(p.preload).toBe(MAX_PRELOAD);
    expect(p.notices).toHaveLength(1);
  });

  it('dynamo is not available yet; other systems are unknown; both run Raft', () => {
    expect(parsePageParams('?system=dynamo')).toMatchObject({ system: 'raft', notices: [expect.stringContaining('not available yet')] });
    expect(parsePageParams('?system=paxos')).toMatchObject({ system: 'raft', notices: [expect.stringContaining('system="paxos" is not a system')] });
  });

  it('names unknown parameters, escaped and cut', () => {
    const p = parsePageParams(`?${encodeURIComponent('x\u202Ey')}=1&${'z'.repeat(100)}`);
    expect(p.notices[0]).toContain('"x\\u{202E}y"');
    expect(p.notices[1]!.length).toBeLessThan(150);
  });
});
