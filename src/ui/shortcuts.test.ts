import { describe, expect, it } from 'vitest';
import { SHORTCUTS, shortcutFor, type KeyInfo } from './shortcuts.ts';

const key = (k: string, extra: Partial<KeyInfo> = {}): KeyInfo => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, typing: false, onControl: false, ...extra });

describe('shortcuts', () => {
  it('maps keys to actions', () => {
    expect(shortcutFor(key('?'))).toEqual({ kind: 'help' });
    expect(shortcutFor(key(' '))).toEqual({ kind: 'pause' });
    expect(shortcutFor(key('s'))).toEqual({ kind: 'step' });
    expect(shortcutFor(key('S'))).toEqual({ kind: 'step' });
    expect(shortcutFor(key('3'))).toEqual({ kind: 'select', node: 3 });
    expect(shortcutFor(key('c'))).toEqual({ kind: 'crash-or-restart' });
    expect(shortcutFor(key('h'))).toEqual({ kind: 'heal' });
    expect(shortcutFor(key('+'))).toEqual({ kind: 'faster' });
    expect(shortcutFor(key('-'))).toEqual({ kind: 'slower' });
  });

  it('stays quiet while typing, with modifiers, and for Space on a button', () => {
    expect(shortcutFor(key('c', { typing: true }))).toBeUndefined();
    expect(shortcutFor(key('?', { typing: true }))).toBeUndefined();
    expect(shortcutFor(key('c', { ctrlKey: true }))).toBeUndefined();
    expect(shortcutFor(key(' ', { onControl: true }))).toBeUndefined();
    expect(shortcutFor(key('8'))).toBeUndefined();
    expect(shortcutFor(key('x'))).toBeUndefined();
  });

  it('every listed single-key shortcut is handled', () => {
    for (const s of SHORTCUTS) {
      for (const k of s.keys.split(' ')) {
        if (k.length !== 1 || k === '…' || k === '↑' || k === '↓') continue;
        expect(shortcutFor(key(k)), k).toBeDefined();
      }
    }
  });
});
