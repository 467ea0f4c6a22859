/**
 * Accessibility of the playground's main states: axe finds no serious or critical violation
 * (WCAG 2.1 A/AA rules) in the steady cluster, with the node menu or the help open, after a
 * crash, during a partition, in the dark scheme and on a phone. Also: elections are announced
 * through a polite live region.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';

const SLOW_MS = 45_000;

async function ready(page: Page): Promise<number> {
  await page.goto('/');
  const leader = page.locator('[data-testid^="node-"][data-role="leader"]');
  await expect(leader).toHaveCount(1, { timeout: SLOW_MS });
  return Number((await leader.getAttribute('data-testid'))!.replace('node-', ''));
}

async function expectNoSeriousViolations(page: Page, state: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = serious.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  expect(summary, `axe in state "${state}"`).toEqual([]);
}

test('steady cluster, console in use', async ({ page }) => {
  await ready(page);
  await page.getByTestId('console-input').fill('SET a 1');
  await page.getByTestId('console-input').press('Enter');
  await expect(page.getByTestId('console-line').last()).toHaveText('OK', { timeout: SLOW_MS });
  await page.getByTestId('console-input').fill('SET');
  await page.getByTestId('console-input').press('Enter');
  await expectNoSeriousViolations(page, 'steady');
});

test('node menu open, then help open', async ({ page }) => {
  const id = await ready(page);
  await page.getByTestId(`node-${id}`).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('menu')).toBeVisible();
  await expectNoSeriousViolations(page, 'node menu');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId(`node-${id}`)).toBeFocused();
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await expectNoSeriousViolations(page, 'help');
});

test('crashed leader, partition, paused with messages listed', async ({ page }) => {
  const id = await ready(page);
  await page.getByTestId(`node-${id}`).click();
  await page.getByRole('menuitem', { name: /Crash/ }).click();
  await expect(page.getByTestId(`node-${id}`)).toHaveAttribute('data-role', 'crashed');
  await expectNoSeriousViolations(page, 'crashed leader');
  await page.getByTestId(`node-${id}`).click();
  await page.getByRole('menuitem', { name: /Restart/ }).click();
  const other = id === 1 ? 2 : 1;
  await page.getByTestId(`node-${other}`).click();
  await page.getByRole('menuitem', { name: /Isolate/ }).click();
  await expect(page.getByText(/minority/)).toBeVisible();
  await page.getByText('Links (tick to cut a direction)').click();
  await page.getByRole('button', { name: /Pause/ }).click();
  await expectNoSeriousViolations(page, 'partition, paused');
});

test('dark colour scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await ready(page);
  await expectNoSeriousViolations(page, 'dark');
  await page.getByRole('button', { name: 'Switch between light and dark colours' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
  await expectNoSeriousViolations(page, 'dark system, light chosen');
});

test.describe('phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  test('phone layout', async ({ page }) => {
    await ready(page);
    await expectNoSeriousViolations(page, 'phone');
  });
});

test('elections are announced through a polite live region', async ({ page }) => {
  const id = await ready(page);
  const region = page.getByTestId('announcer');
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await page.getByTestId(`node-${id}`).click();
  await page.getByRole('menuitem', { name: /Crash/ }).click();
  await expect(region).toContainText(/is the leader in term \d+/, { timeout: SLOW_MS });
  await expect(region).not.toContainText(`Node ${id} is the leader`);
});

test('compacted logs and the snapshot in the inspector (offline, 1200 writes preloaded: every node has compacted)', async ({ page }) => {
  await page.goto('/?offline&seed=4&preload=1200');
  await expect(page.locator('[data-testid^="node-"][data-role="leader"]')).toHaveCount(1, { timeout: SLOW_MS });
  await expect(page.getByTestId('snapshot-status')).toContainText(/up to index \d+/, { timeout: SLOW_MS });
  await page.getByRole('region', { name: /Log entries of every node/ }).evaluate((el) => (el.scrollLeft = 0));
  await expect(page.locator('[data-testid^="compacted-"]').first()).toBeVisible();
  await expectNoSeriousViolations(page, 'compacted');
});
