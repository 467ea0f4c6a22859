/**
 * New cluster while auto-writes run, exactly as a person did it (#17 item 3): auto-writes at
 * 10/s, Nodes 7 → New cluster, Nodes 3 → New cluster. The Logs panel must draw the new cluster's
 * entries (it once kept the old scroll position and drew rows without a single cell), the
 * auto-writes keep running on the new cluster, and the console's next reply names only nodes of
 * the new cluster (no leader hint from the old one survives).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

const SLOW_MS = 45_000;

const nodes = (page: Page): Locator => page.getByTestId(/^node-\d+$/);
const leader = (page: Page): Locator => page.locator('[data-testid^="node-"][data-role="leader"]');
const logs = (page: Page): Locator => page.getByRole('region', { name: 'Logs' });
/** Cells that show an entry (not the "loading" placeholder). */
const entryCells = (page: Page): Locator => logs(page).locator('.row .cell:not(.placeholder)');

async function newCluster(page: Page, count: number): Promise<void> {
  await page.getByRole('combobox', { name: 'Nodes' }).selectOption(String(count));
  await page.getByRole('button', { name: 'New cluster' }).click();
  await expect(nodes(page)).toHaveCount(count, { timeout: SLOW_MS });
  await expect(leader(page)).toHaveCount(1, { timeout: SLOW_MS });
}

/** The status line's commit index (-1 while there is no leader to read it from). */
async function commit(page: Page): Promise<number> {
  return Number((await page.locator('.status').textContent())?.match(/commit (\d+)/)?.[1] ?? -1);
}

test('New cluster with auto-writes running: logs drawn, writes go on, routes name the new nodes', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(leader(page)).toHaveCount(1, { timeout: SLOW_MS });
  const autoWrites = page.getByRole('combobox', { name: 'Auto-writes' });
  await autoWrites.selectOption('10');
  // Enough entries that the Logs panel scrolls far to the right before the first new cluster.
  await expect.poll(() => commit(page), { timeout: SLOW_MS }).toBeGreaterThan(30);

  for (const count of [7, 3]) {
    await newCluster(page, count);
    await expect(entryCells(page).first()).toBeVisible({ timeout: SLOW_MS });
    await expect(autoWrites).toHaveValue('10');
    // Auto-writes still run: the commit index climbs on the new cluster (and the panel scrolls).
    await expect.poll(() => commit(page), { timeout: SLOW_MS }).toBeGreaterThan(30);
  }
  // Without writes the new log stays one noop long: it must still be drawn, not the columns
  // where the old log's scroll position points.
  await autoWrites.selectOption('0');
  await newCluster(page, 3);
  await expect(entryCells(page).first()).toBeVisible({ timeout: SLOW_MS });
  await expect(entryCells(page).first()).toHaveAttribute('title', /^#1 · term \d+ · noop/);

  const input = page.getByTestId('console-input');
  await input.fill('GET load:k1');
  await input.press('Enter');
  const route = page.getByTestId('console-route').last();
  await expect(route).toContainText(/answered by n\d/, { timeout: SLOW_MS });
  const named = [...((await route.innerText()).matchAll(/n(\d+)/g))].map((m) => Number(m[1]));
  expect(named.length).toBeGreaterThan(0);
  for (const id of named) expect(id).toBeLessThanOrEqual(3);
  expect(errors).toEqual([]);
});
