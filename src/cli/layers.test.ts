/**
 * The layer arrows of ../shared/design.md are enforced by ESLint (eslint.config.js): an import
 * against an arrow fails `npm run lint`, so it fails `npm test` and CI. These cases prove the
 * rules bite, by linting small files placed (virtually) in each layer.
 */
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint();

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer arrows', () => {
  it.each([
    ['src/core/x.ts', "import { Raft } from '../raft/raft.ts';\nexport const x = Raft;\n", /src\/core may import only nothing/],
    ['src/raft/x.ts', "import { Simulation } from '../sim/simulation.ts';\nexport const x = Simulation;\n", /src\/raft may import only core/],
    ['src/client/x.ts', "import type { ClusterController } from '../runtime/cluster-api.ts';\nexport type X = ClusterController;\n", /src\/client may import only core/],
    ['src/sim/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", /Only src\/cli may use Node APIs/],
    ['src/sim/x.ts', "import { runScenario } from '../fuzz/run-scenario.ts';\nexport const x = runScenario;\n", /src\/sim may import only/],
    ['src/runtime/x.ts', "import App from '../ui/App.svelte';\nexport const x = App;\n", /src\/runtime may import only/],
    ['src/ui/views/x.ts', "import { Bus } from '../../runtime/bus.ts';\nexport const x = Bus;\n", /src\/ui may import only core, check, runtime\/cluster-api/],
    ['src/ui/views/x.ts', "import { KvNode } from '../../raft/node.ts';\nexport const x = KvNode;\n", /src\/ui may import only/],
    ['src/runtime/x.ts', "import { EventQueue } from '../sim/event-queue.ts';\nexport const x = EventQueue;\n", /src\/runtime may import only .*sim\/index/],
    // Hosts reach a protocol through its public entry (the Protocol), never its inside.
    ['src/sim/x.ts', "import { Raft } from '../raft/raft.ts';\nexport const x = Raft;\n", /src\/sim may import only core, raft\/index/],
    ['src/runtime/x.ts', "import { KvNode } from '../raft/node.ts';\nexport const x = KvNode;\n", /src\/runtime may import only core, raft\/index/],
  ])('%s: %s is refused', async (file, code, message) => {
    const messages = await restrictedImports(file, code);
    expect(messages.length, messages.join('\n')).toBeGreaterThan(0);
    expect(messages.join('\n')).toMatch(message);
  });

  it.each([
    ['src/raft/x.ts', "import { assert } from '../core/assert.ts';\nexport const x = assert;\n"],
    ['src/ui/views/x.ts', "import type { NodeView } from '../../runtime/cluster-api.ts';\nexport type X = NodeView;\n"],
    ['src/cli/x.ts', "import { readFileSync } from 'node:fs';\nimport { runScenario } from '../fuzz/run-scenario.ts';\nexport const x = [readFileSync, runScenario];\n"],
    ['src/runtime/x.ts', "import { Simulation } from '../sim/index.ts';\nexport const x = Simulation;\n"],
    ['src/sim/x.ts', "import { raftProtocol } from '../raft/index.ts';\nexport const x = raftProtocol;\n"],
  ])('%s: an allowed import passes', async (file, code) => {
    expect(await restrictedImports(file, code)).toEqual([]);
  });
});
