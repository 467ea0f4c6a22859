/**
 * How smooth the playground is: opens the built page in Chromium, makes a 5-node cluster at full
 * speed (speed 1, real time) with the auto-writer on, then counts requestAnimationFrame callbacks
 * for a while and records the longest gap between two frames and the long tasks (> 50 ms).
 * Repeats several runs and prints each run and the median. A blank page measured the same way
 * gives the machine's ceiling for comparison.
 *
 *   npx vite build && npx vite preview --port 4173 --host 127.0.0.1 &
 *   npx tsx scripts/measure-fps.ts [--url http://127.0.0.1:4173/] [--runs 5] [--seconds 10] [--writes 10] [--offline]
 */
import { parseArgs } from 'node:util';
import { chromium, type Browser, type Page } from '@playwright/test';

interface Run {
  /** Share of the wall time the page's main thread was busy (tasks), and in script, style+layout. */
  busyPercent?: number;
  scriptPercent?: number;
  layoutPercent?: number;
  fps: number;
  frames: number;
  longestGapMs: number;
  p99GapMs: number;
  longTasks: number;
  longestTaskMs: number;
  messagesDrawnMax: number;
}

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:4173/' },
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '10' },
    writes: { type: 'string', default: '10' },
    offline: { type: 'boolean', default: false },
    nodes: { type: 'string', default: '5' },
    /** The speed slider's position, 0..100 (100 = speed 1, full speed). */
    slider: { type: 'string', default: '100' },
  },
});
const runs = Number(values.runs);
const seconds = Number(values.seconds);
const writes = values.writes!;

/** Counts frames in the page for `seconds`; returns the frame statistics. */
async function measure(page: Page): Promise<Run> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const metrics = async () => {
    const { metrics: list } = await cdp.send('Performance.getMetrics');
    return Object.fromEntries(list.map((m) => [m.name, m.value])) as Record<string, number>;
  };
  const before = await metrics();
  // Sent as text: tsx would wrap named inner functions in a helper the page does not have.
  const run = (await page.evaluate(`(${IN_PAGE})(${seconds * 1000})`)) as Run;
  const after = await metrics();
  const wall = after.Timestamp! - before.Timestamp!;
  const share = (name: string) => (100 * (after[name]! - before[name]!)) / wall;
  await cdp.detach();
  return {
    ...run, busyPercent: share('TaskDuration'), scriptPercent: share('ScriptDuration'),
    layoutPercent: share('LayoutDuration') + share('RecalcStyleDuration'),
  };
}

const IN_PAGE = `async (durationMs) => {
  const gaps = [];
  let longTasks = 0;
  let longestTaskMs = 0;
  let messagesDrawnMax = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      longTasks++;
      longestTaskMs = Math.max(longestTaskMs, entry.duration);
    }
  });
  try { observer.observe({ type: 'longtask', buffered: false }); } catch { /* not available */ }
  const start = performance.now();
  let last = start;
  let frames = 0;
  await new Promise((resolve) => {
    const frame = (t) => {
      frames++;
      gaps.push(t - last);
      last = t;
      messagesDrawnMax = Math.max(messagesDrawnMax, document.querySelectorAll('g.msg').length);
      if (t - start < durationMs) requestAnimationFrame(frame);
      else resolve();
    };
    requestAnimationFrame(frame);
  });
  observer.disconnect();
  const elapsed = last - start;
  gaps.shift();
  gaps.sort((a, b) => a - b);
  return {
    fps: (frames / elapsed) * 1000,
    frames,
    longestGapMs: gaps[gaps.length - 1] ?? 0,
    p99GapMs: gaps[Math.floor(gaps.length * 0.99)] ?? 0,
    longTasks,
    longestTaskMs,
    messagesDrawnMax,
  };
}`;

async function prepare(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${values.url}${values.offline ? '?offline&seed=1' : ''}`);
  await page.locator('[data-testid^="node-"]').first().waitFor();
  const nodes = values.nodes!;
  if (await page.getByTestId(/^node-\d+$/).count() !== Number(nodes)) {
    await page.getByRole('combobox', { name: 'Nodes' }).selectOption(nodes);
    await page.getByRole('button', { name: 'New cluster' }).click();
    await page.getByTestId(`node-${nodes}`).waitFor();
    await page.getByTestId(`node-${Number(nodes) + 1}`).waitFor({ state: 'detached' });
  }
  // Full speed by default: the speed slider at its maximum (1×, real time).
  await page.getByRole('slider', { name: 'Speed' }).fill(values.slider!);
  await page.locator('[data-role="leader"]').first().waitFor({ timeout: 30_000 });
  await page.getByRole('combobox', { name: 'Auto-writes' }).selectOption(writes);
  await page.waitForTimeout(2000);
  return page;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function show(label: string, r: Run): string {
  return `${label}: ${r.fps.toFixed(1)} fps (${r.frames} frames), longest frame gap ${r.longestGapMs.toFixed(1)} ms, p99 gap ${r.p99GapMs.toFixed(1)} ms, ` +
    `long tasks ${r.longTasks} (longest ${r.longestTaskMs.toFixed(0)} ms), messages drawn at most ${r.messagesDrawnMax}, ` +
    `main thread busy ${r.busyPercent?.toFixed(0)}% (script ${r.scriptPercent?.toFixed(0)}%, style+layout ${r.layoutPercent?.toFixed(0)}%)`;
}

async function main(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    const blank = await (await browser.newContext()).newPage();
    await blank.setContent('<p>blank</p>');
    console.log(show('blank page (ceiling)', await measure(blank)));
    await blank.context().close();
    const results: Run[] = [];
    for (let k = 0; k < runs; k++) {
      const page = await prepare(browser);
      const run = await measure(page);
      results.push(run);
      console.log(show(`run ${k + 1}`, run));
      await page.context().close();
    }
    console.log(
      `MEDIAN over ${runs} runs, ${values.nodes} nodes, speed slider ${values.slider}/100, auto-writes ${writes}/s, ${values.offline ? 'offline cluster' : 'workers + IndexedDB'}: ` +
        `${median(results.map((r) => r.fps)).toFixed(1)} fps, longest frame gap median ${median(results.map((r) => r.longestGapMs)).toFixed(1)} ms ` +
        `(worst ${Math.max(...results.map((r) => r.longestGapMs)).toFixed(1)} ms), main thread busy median ` +
        `${median(results.map((r) => r.busyPercent ?? 0)).toFixed(0)}%`,
    );
  } finally {
    await browser.close();
  }
}

await main();
