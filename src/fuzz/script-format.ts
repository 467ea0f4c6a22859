/**
 * The file format of scenario scripts (src/raft/testdata/*.txt), after etcd-io/raft's
 * datadriven tests: a command line, a line `----`, the output it must produce, a blank line.
 * Lines starting with `#` between blocks are comments and are kept when a file is rewritten.
 *
 *     # A follower whose election timer runs out pre-votes first.
 *     campaign 1
 *     ----
 *     n1: follower -> pre-candidate (term 0)
 *     send 1->2 PreVote term=1 last=0@0
 *
 * This module only reads and writes the format; script-cluster.ts runs the commands.
 */

export interface ScriptBlock {
  /** Comment lines above the command, without a trailing blank line. */
  comments: string[];
  command: string;
  expected: string[];
  /** 1-based line of the command in the file, for error messages. */
  line: number;
}

export function parseScript(text: string): ScriptBlock[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const blocks: ScriptBlock[] = [];
  let comments: string[] = [];
  let k = 0;
  while (k < lines.length) {
    const line = lines[k]!;
    if (line.trim() === '') {
      k++;
      continue;
    }
    if (line.startsWith('#')) {
      comments.push(line);
      k++;
      continue;
    }
    if (lines[k + 1] !== '----') throw new Error(`line ${k + 2}: expected "----" after the command "${line}"`);
    const expected: string[] = [];
    let j = k + 2;
    while (j < lines.length && lines[j] !== '') expected.push(lines[j++]!);
    blocks.push({ comments, command: line.trim(), expected, line: k + 1 });
    comments = [];
    k = j;
  }
  return blocks;
}

/** The file with each block's output replaced by `outputs[k]` (UPDATE=1 rewrites this way). */
export function formatScript(blocks: readonly ScriptBlock[], outputs: readonly string[][]): string {
  return blocks.map((b, k) => [...b.comments, b.command, '----', ...(outputs[k] ?? [])].join('\n')).join('\n\n') + '\n';
}
