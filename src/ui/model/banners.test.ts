import { describe, expect, it } from 'vitest';
import { bannerLines } from './banners.ts';

describe('bannerLines', () => {
  it('shows a standing warning once, not again as the notice its event raised (#17 item 6)', () => {
    const corrupt = 'Node 2 refuses to start: corrupted record "entry 1" in database raft-node-2: bad term';
    const shown = bannerLines([corrupt], [{ id: 1, text: corrupt }, { id: 2, text: 'Node 3 was wiped.' }]);
    expect(shown).toEqual({ warnings: [corrupt], notices: [{ id: 2, text: 'Node 3 was wiped.' }] });
  });

  it('drops repeated warnings and repeated notices, keeping the first', () => {
    const shown = bannerLines(['a', 'a', 'b'], [{ id: 1, text: 'c' }, { id: 2, text: 'c' }]);
    expect(shown).toEqual({ warnings: ['a', 'b'], notices: [{ id: 1, text: 'c' }] });
  });
});
