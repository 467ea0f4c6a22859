/**
 * The browser runtime end to end, through the page's public test ids (design.md, "Surfaces"):
 * a 3-node cluster of real workers elects a leader, a SET typed in the console commits, the page
 * reloads (every worker is gone), the nodes restart from their IndexedDB databases, and a GET
 * returns the value.
 */
import { expect, test, type Page } from '@playwright/test';

const LEADER_TIMEOUT_MS = 20_000;

function nodes(page: Page) {
  return page.getByTestId(/^node-\d+$/);
}

async function expectOneLeader(page: Page): Promise<void> {
  await expect(nodes(page)).toHaveCount(3, { timeout: LEADER_TIMEOUT_MS });
  const leader = page.locator('[data-testid^="node-"][data-role="leader"]');
  await expect(leader).toHaveCount(1, { timeout: LEADER_TIMEOUT_MS });
  expect(Number(await leader.getAttribute('data-term'))).toBeGreaterThan(0);
}

/** Types a command and waits for a reply line whose whole text matches `reply`. */
async function run(page: Page, command: string, reply: RegExp): Promise<void> {
  const input = page.getByTestId('console-input');
  await input.fill(command);
  await input.press('Enter');
  const lines = page.getByTestId('console-output').getByTestId('console-line');
  await expect(lines.filter({ hasText: reply }).first()).toBeVisible({ timeout: LEADER_TIMEOUT_MS });
}

test('a SET committed by a 3-node cluster survives a page reload', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const value = `v${Date.now().toString(36)}`;

  await page.goto('/');
  await expectOneLeader(page);
  await run(page, `SET greeting ${value}`, /^\s*OK\b/);

  await page.reload();
  await expectOneLeader(page);
  await run(page, 'GET greeting', new RegExp(`^\\s*"?${value}"?\\s*$`));
  expect(errors).toEqual([]);
});
