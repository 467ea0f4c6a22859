/**
 * The README's "What to click first", steps 1 to 4, as written (#17 item 5), against the built
 * page and the worker cluster: watch an election, write something, crash the leader, split the
 * network. Every step waits for the state the README promises, never for a duration.
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

const SLOW_MS = 60_000;

const nodes = (page: Page): Locator => page.getByTestId(/^node-\d+$/);
const leader = (page: Page): Locator => page.locator('[data-testid^="node-"][data-role="leader"]');
const node = (page: Page, id: number): Locator => page.getByTestId(`node-${id}`);
const replies = (page: Page): Locator => page.getByTestId('console-output').getByTestId('console-line');
const caption = (page: Page): Locator => page.getByTestId('watch-election-caption');

async function leaderId(page: Page): Promise<number> {
  await expect(leader(page)).toHaveCount(1, { timeout: SLOW_MS });
  return Number((await leader(page).getAttribute('data-testid'))!.replace('node-', ''));
}

/** Waits for one leader in a term above `term`; returns its id and term. */
async function newLeaderAbove(page: Page, term: number): Promise<{ id: number; term: number }> {
  await expect(async () => {
    await expect(leader(page)).toHaveCount(1);
    expect(Number(await leader(page).getAttribute('data-term'))).toBeGreaterThan(term);
  }).toPass({ timeout: SLOW_MS });
  const id = await leaderId(page);
  return { id, term: Number(await node(page, id).getAttribute('data-term')) };
}

/** Types a command and waits for its answer (no longer pending); returns the reply text. */
async function run(page: Page, command: string): Promise<string> {
  const before = await replies(page).count();
  const input = page.getByTestId('console-input');
  await input.fill(command);
  await input.press('Enter');
  await expect(replies(page)).toHaveCount(before + 1, { timeout: SLOW_MS });
  const line = replies(page).nth(before);
  await expect(line.locator('xpath=..')).toHaveClass(/\b(reply|error|info)\b/, { timeout: SLOW_MS });
  return (await line.innerText()).trim();
}

async function nodeMenu(page: Page, id: number, item: RegExp): Promise<void> {
  await node(page, id).click();
  await expect(page.getByRole('menu', { name: `Actions for node ${id}` })).toBeVisible();
  await page.getByRole('menuitem', { name: item }).click();
}

/** Step 1: the button stops the leader in slow motion; a new leader wins a higher term. */
async function watchAnElection(page: Page): Promise<void> {
  const first = await leaderId(page);
  const term = Number(await node(page, first).getAttribute('data-term'));
  await page.getByTestId('watch-election').click();
  await expect(page.getByRole('slider', { name: 'Speed' })).toHaveAttribute('aria-valuetext', '0.1×');
  await expect(caption(page)).toContainText(`The leader n${first} was stopped so you can watch the others elect a new one`);
  await expect(node(page, first)).toHaveAttribute('data-role', 'crashed');
  const next = await newLeaderAbove(page, term);
  expect(next.id).not.toBe(first);
  await expect(caption(page)).toContainText(`n${next.id} won the election: it leads term ${next.term}. n${first} was restarted`);
  await expect(node(page, first)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
}

test('README tour, steps 1-4, as written', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/');
  await expect(nodes(page)).toHaveCount(3);

  await test.step('1. Watch an election', () => watchAnElection(page));

  await test.step('2. Write something', async () => {
    expect(await run(page, 'SET greeting "hello"')).toBe('OK');
    expect(await run(page, 'GET greeting')).toBe('"hello"');
    await expect(page.getByTestId('console-route').last()).toContainText(/^answered by n\d/);
    const logs = page.getByRole('region', { name: 'Logs' });
    await expect(logs.locator('.row .cell', { hasText: 'greeting' })).toHaveCount(3, { timeout: SLOW_MS });
    await expect(logs.locator('.row .cell.uncommitted', { hasText: 'greeting' })).toHaveCount(0, { timeout: SLOW_MS });
  });

  // "Drag the Speed slider right for real time whenever you like."
  await page.getByRole('slider', { name: 'Speed' }).fill('100');
  await expect(page.getByRole('slider', { name: 'Speed' })).toHaveAttribute('aria-valuetext', '1× (real time)');

  await test.step('3. Crash the leader', async () => {
    const old = await leaderId(page);
    const term = Number(await node(page, old).getAttribute('data-term'));
    await nodeMenu(page, old, /^Crash/);
    await expect(node(page, old)).toHaveAttribute('data-role', 'crashed');
    await newLeaderAbove(page, term);
    expect(await run(page, 'GET greeting')).toBe('"hello"');
    await nodeMenu(page, old, /^Restart/);
    await expect(node(page, old)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  });

  await test.step('4. Split the network', async () => {
    const cut = await leaderId(page);
    const term = Number(await node(page, cut).getAttribute('data-term'));
    await nodeMenu(page, cut, /^Isolate from the others/);
    // The majority side elects.
    await expect(async () => {
      const terms = await Promise.all([1, 2, 3].filter((id) => id !== cut).map(async (id) => [await node(page, id).getAttribute('data-role'), Number(await node(page, id).getAttribute('data-term'))] as const));
      expect(terms.some(([role, t]) => role === 'leader' && t > term)).toBe(true);
    }).toPass({ timeout: SLOW_MS });
    const reply = await run(page, `@${cut} SET x 1`);
    expect(reply).toContain(`n${cut} could not commit it: it is cut off from the majority`);
    await page.getByRole('button', { name: 'Heal all' }).click();
    await expect(page.getByRole('button', { name: 'Heal all' })).toBeDisabled();
    await expect(leader(page)).toHaveCount(1, { timeout: SLOW_MS });
    await expect(node(page, cut)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  });
  expect(errors).toEqual([]);
});

test('Watch an election works in the offline cluster too', async ({ page }) => {
  await page.goto('/?offline&seed=3');
  await expect(nodes(page).first()).toBeVisible();
  await watchAnElection(page);
});
