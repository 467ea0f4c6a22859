/**
 * The sim and fuzz commands as a person runs them: real processes (npx tsx), real worker
 * threads, exit codes and the lines they print.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Run {
  code: number;
  stdout: string[];
  stderr: string;
}

function run(script: 'sim' | 'fuzz', args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', `src/cli/${script}.ts`, ...args], { cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout: stdout.trimEnd().split('\n'), stderr });
    });
  });
}

describe('npm run sim', () => {
  it.concurrent('prints one summary line and exits 0 when every check passes', async () => {
    const r = await run('sim', ['--nodes', '5', '--seed', '7', '--ops', '300', '--clients', '8', '--faults', 'crash,partition,drop,duplicate,delay']);
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(1);
    expect(r.stdout[0]).toMatch(/^seed=7 ops=300 ok=\d+ linearizable=true invariants=ok converged=true recovered=true$/);
  });

  it.concurrent('prints a failure report with the replay command and exits 1 on a violation', async () => {
    const r = await run('sim', ['--seed', '2', '--ops', '300', '--bug', 'no-dedup']);
    expect(r.code).toBe(1);
    expect(r.stdout.at(-1)).toMatch(/^seed=2 ops=300 ok=\d+ linearizable=false /);
    expect(r.stdout).toContain('  replay: npm run sim -- --nodes 5 --seed 2 --ops 300 --clients 8 --faults crash,partition,drop,duplicate,delay,compact --snapshot-threshold 50 --bug no-dedup');
  });

  it.concurrent('exits 2 with a message naming the bad flag', async () => {
    const r = await run('sim', ['--ops', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^sim: --ops: expected a whole number from 1 to/m);
    expect(r.stdout).toEqual(['']);
  });

  it.concurrent('writes the event trace as JSON with --trace', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-trace-')), 'trace.json');
    const r = await run('sim', ['--seed', '3', '--ops', '100', '--faults', 'crash', '--trace', file]);
    expect(r.code).toBe(0);
    const trace = JSON.parse(readFileSync(file, 'utf8'));
    expect(trace.summary).toBe(r.stdout.at(-1));
    expect(trace.options).toMatchObject({ seed: 3, ops: 100, faults: ['crash'] });
    expect(trace.events.length).toBeGreaterThan(1000);
    expect(trace.events[0]).toHaveProperty('kind');
    expect(r.stdout[0]).toBe(`trace: ${trace.events.length} events written to ${file}`);
  });
});

describe('npm run fuzz', () => {
  it.concurrent('runs seeds on worker threads and ends with "N seeds, V violations"', async () => {
    const r = await run('fuzz', ['--seeds', '4', '--ops', '200']);
    expect(r.code).toBe(0);
    expect(r.stdout).toEqual(['4 seeds, 0 violations']);
    expect(r.stderr).toMatch(/fuzz: 4\/4 seeds, 0 violations/);
  });

  it.concurrent('exits 1 and prints each failing seed with its replay command', async () => {
    const r = await run('fuzz', ['--seeds', '2', '--from', '10', '--ops', '200', '--bug', 'no-dedup']);
    expect(r.code).toBe(1);
    expect(r.stdout.at(-1)).toBe('2 seeds, 2 violations');
    for (const seed of [10, 11]) {
      expect(r.stdout).toContain(`  replay: npm run sim -- --nodes 5 --seed ${seed} --ops 200 --clients 8 --faults crash,partition,drop,duplicate,delay,compact --snapshot-threshold 50 --bug no-dedup`);
    }
  });

  it.concurrent('lists the bug variants', async () => {
    const r = await run('fuzz', ['--list-bugs']);
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(11);
    expect(r.stdout.map((line) => line.split(' ')[0]).slice(0, 10)).toEqual([
      'vote-ignores-log', 'commit-old-term', 'forget-vote', 'stale-read', 'no-truncate', 'ack-before-persist', 'no-dedup', 'snapshot-uncommitted',
      'concurrent-config-change', 'learner-in-quorum',
    ]);
  });
});
