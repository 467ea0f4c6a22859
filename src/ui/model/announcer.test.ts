import { describe, expect, it } from 'vitest';
import { Announcer } from './announcer.ts';

function setup() {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const spoken: string[] = [];
  const announcer = new Announcer({ now: () => now, setTimer: (run, ms) => timers.push({ at: now + ms, run }) }, (t) => spoken.push(t), 1000, 5000);
  const advance = (ms: number) => {
    now += ms;
    for (const t of timers.splice(0)) {
      if (t.at <= now) t.run();
      else timers.push(t);
    }
  };
  return { announcer, spoken, advance };
}

describe('Announcer', () => {
  it('coalesces a burst into one announcement with the latest of each kind', () => {
    const { announcer, spoken, advance } = setup();
    announcer.say('election', 'Election in term 2.');
    announcer.say('election', 'Election in term 3.');
    announcer.say('node', 'Node 2 crashed.');
    expect(spoken).toEqual([]);
    advance(1000);
    expect(spoken).toEqual(['Node 2 crashed. Election in term 3.']);
  });

  it('a new leader replaces the election under way', () => {
    const { announcer, spoken, advance } = setup();
    announcer.say('election', 'Election in term 3.');
    announcer.say('leader', 'Node 4 leads term 3.');
    announcer.say('election', 'Election in term 3.');
    advance(1000);
    expect(spoken).toEqual(['Node 4 leads term 3.']);
  });

  it('commit progress is spoken at most every commitEveryMs and only when it moved', () => {
    const { announcer, spoken, advance } = setup();
    announcer.commit(5);
    announcer.commit(9);
    advance(1000);
    expect(spoken).toEqual(['Entries committed through index 5.']);
    advance(5000);
    announcer.commit(9);
    advance(1000);
    expect(spoken).toEqual(['Entries committed through index 5.', 'Entries committed through index 9.']);
    advance(6000);
    announcer.commit(9);
    advance(1000);
    expect(spoken).toHaveLength(2);
  });
});
