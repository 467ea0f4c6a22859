/**
 * CI's bounded fuzz: a few hundred seeds of the default scenario through the real command and
 * its worker threads (the known-bad variant checks are src/fuzz/fuzz-bugs.test.ts). A failure
 * here prints every failing seed with the `npm run sim` command that replays it.
 */
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SEEDS = 300;

describe('bounded fuzz', () => {
  it(`npm run fuzz -- --seeds ${SEEDS} finds no violation in the correct protocol`, async () => {
    const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile('npx', ['tsx', 'src/cli/fuzz.ts', '--seeds', String(SEEDS)], { cwd: process.cwd(), timeout: 300_000, maxBuffer: 1 << 26 }, (error, out) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout: out });
      });
    });
    expect(stdout.trimEnd().split('\n').at(-1), stdout).toBe(`${SEEDS} seeds, 0 violations`);
    expect(code).toBe(0);
  }, 300_000);
});
