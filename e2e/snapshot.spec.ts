/**
 * Snapshots from the page (#11): "Compact now" in the node menu, a follower restarted after the
 * compaction catching up by the leader's snapshot (the inspector says so), and in the worker
 * cluster a compacted node rebuilt from its snapshot and log suffix in IndexedDB after a reload.
 * Every wait is for a state the page shows, never for a duration.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';
import { SLOW_MS, leaderId, node, run } from './cluster-page.ts';

const inspector = (page: Page): Locator => page.getByRole('region', { name: 'Node inspector' });

async function nodeMenu(page: Page, id: number, item: RegExp): Promise<void> {
  await node(page, id).click();
  await expect(page.getByRole('menu', { name: `Actions for node ${id}` })).toBeVisible();
  await page.getByRole('menuitem', { name: item }).click();
}

async function inspect(page: Page, id: number): Promise<void> {
  await inspector(page).getByRole('group', { name: 'Pick a node' }).getByRole('button', { name: `n${id}`, exact: true }).click();
}

/** The inspector's "In memory" and "On disk" cells of a row of the state table. */
function stateRow(page: Page, row: string): { memory: Locator; disk: Locator } {
  const cells = inspector(page).getByRole('row', { name: new RegExp(`^${row}`) }).getByRole('cell');
  return { memory: cells.nth(0), disk: cells.nth(1) };
}

/** Compacts `id` from its menu; returns the index of its snapshot, as its inspector shows it. */
async function compactNow(page: Page, id: number): Promise<number> {
  await nodeMenu(page, id, /Compact now/);
  await inspect(page, id);
  const status = page.getByTestId('snapshot-status');
  await expect(status).toContainText(/up to index \d+/, { timeout: SLOW_MS });
  const at = Number(/up to index (\d+)/.exec(await status.innerText())![1]);
  await expect(page.getByTestId('announcer')).toContainText(`Node ${id} took a snapshot at index ${at} and dropped the log entries it covers`, { timeout: SLOW_MS });
  await expect(stateRow(page, 'Snapshot index').disk).toHaveText(String(at), { timeout: SLOW_MS });
  return at;
}

/** The key-value rows the inspector lists for the selected node, as text. */
async function kvRows(page: Page): Promise<string[]> {
  return inspector(page).locator('table.kv tbody tr').allInnerTexts();
}

test('a follower restarted after compaction catches up by snapshot (the inspector says so)', async ({ page }) => {
  await page.goto('/?offline&seed=4');
  const first = await leaderId(page);
  const follower = first === 1 ? 2 : 1;
  await nodeMenu(page, follower, /Crash/);
  await expect(node(page, follower)).toHaveAttribute('data-role', 'crashed');
  for (let k = 1; k <= 5; k++) expect(await run(page, `SET snap${k} value-${k}`)).toBe('OK');

  const at = await compactNow(page, first);
  await expect(page.getByTestId('snapshot-status')).toContainText(/the log holds (nothing after it|\d+\.\.\d+)/);
  await expect(page.getByTestId(`compacted-${first}`)).toContainText(`snapshot\u00a0≤${at}`);
  // A second compaction with nothing new applied is refused, with the node's reason.
  await nodeMenu(page, first, /Compact now/);
  await expect(page.getByText(`cannot compact n${first}: nothing to compact`)).toBeVisible();

  // The follower needs entries the leader no longer has: only the snapshot can bring it up to date.
  await nodeMenu(page, follower, /Restart/);
  await expect(node(page, follower)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  await inspect(page, follower);
  await expect(page.getByTestId('snapshot-status')).toContainText(`up to index ${at} (term `, { timeout: SLOW_MS });
  await expect(stateRow(page, 'Snapshot index').memory).toHaveText(String(at));
  await expect(page.getByTestId(`compacted-${follower}`)).toContainText(`snapshot\u00a0≤${at}`);
  await expect(page.getByTestId('snapshot-receipt')).toHaveCount(0); // the transfer is over
  const followerKv = await kvRows(page);
  expect(followerKv).toHaveLength(5);
  await inspect(page, first);
  expect(await kvRows(page)).toEqual(followerKv);
  await expect(page.getByTestId(`progress-state-${follower}`)).toHaveText(/replicate|probe/, { timeout: SLOW_MS });
});

test('worker cluster: a compacted node restarts from its snapshot and the log after it, out of IndexedDB, after a reload', async ({ page }) => {
  await page.goto('/');
  const first = await leaderId(page);
  for (let k = 1; k <= 3; k++) expect(await run(page, `SET before${k} ${k}`)).toBe('OK');
  const at = await compactNow(page, first);
  expect(await run(page, 'SET after compaction')).toBe('OK'); // the suffix after the snapshot
  await expect(stateRow(page, 'Last log index').disk).toHaveText(String(at + 1), { timeout: SLOW_MS });

  await page.reload();
  await leaderId(page);
  await inspect(page, first);
  await expect(stateRow(page, 'Snapshot index').memory).toHaveText(String(at), { timeout: SLOW_MS });
  await expect(page.getByTestId('snapshot-status')).toContainText(`up to index ${at} (term `);
  expect(await run(page, 'GET before2')).toBe('"2"');
  expect(await run(page, 'GET after')).toBe('"compaction"');
});
