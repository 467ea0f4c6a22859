/**
 * What the specs that drive a cluster through the page share: finding nodes and the leader, and
 * typing a console command and waiting for its answer. Every wait is for a state, bounded by
 * SLOW_MS only to end a hang (a state that is reached passes at once).
 */
import { expect, type Locator, type Page } from '@playwright/test';

export const SLOW_MS = 45_000;

export const leader = (page: Page): Locator => page.locator('[data-testid^="node-"][data-role="leader"]');
export const node = (page: Page, id: number): Locator => page.getByTestId(`node-${id}`);
export const replies = (page: Page): Locator => page.getByTestId('console-output').getByTestId('console-line');

export async function leaderId(page: Page): Promise<number> {
  await expect(leader(page)).toHaveCount(1, { timeout: SLOW_MS });
  return Number((await leader(page).getAttribute('data-testid'))!.replace('node-', ''));
}

/** Types a command and waits for its answer; returns the reply text. */
export async function run(page: Page, command: string): Promise<string> {
  const before = await replies(page).count();
  const input = page.getByTestId('console-input');
  await input.fill(command);
  await input.press('Enter');
  await expect(replies(page)).toHaveCount(before + 1, { timeout: SLOW_MS });
  const line = replies(page).nth(before);
  await expect(line.locator('xpath=..')).toHaveClass(/\b(reply|error|info)\b/, { timeout: SLOW_MS });
  return (await line.innerText()).trim();
}
