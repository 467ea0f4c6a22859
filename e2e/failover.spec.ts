/**
 * Failover, partitions, persistence, wipe, the console and pause/step, in a real browser against
 * the built page: workers per node, the bus, IndexedDB. Every assertion reads what the page shows.
 *
 * These tests wait for states, never for wall-clock durations, so they pass on a busy machine.
 * How fast failover is belongs to virtual time: src/sim/election.test.ts asserts a new leader
 * within two election timeouts of a crash (one more per split vote).
 */
import { expect, test, type Locator, type Page } from '@playwright/test';

/** Generous on purpose: a state that is reached passes at once; this only bounds a hang. */
const SLOW_MS = 45_000;

const leader = (page: Page): Locator => page.locator('[data-testid^="node-"][data-role="leader"]');
const node = (page: Page, id: number): Locator => page.getByTestId(`node-${id}`);
const replies = (page: Page): Locator => page.getByTestId('console-output').getByTestId('console-line');
const inspector = (page: Page): Locator => page.getByRole('region', { name: 'Node inspector' });

async function leaderId(page: Page, timeout = SLOW_MS): Promise<number> {
  await expect(leader(page)).toHaveCount(1, { timeout });
  return Number((await leader(page).getAttribute('data-testid'))!.replace('node-', ''));
}

async function term(page: Page, id: number): Promise<number> {
  return Number(await node(page, id).getAttribute('data-term'));
}

/** Types a command and waits for its reply line; returns the reply text. */
async function run(page: Page, command: string): Promise<string> {
  const before = await replies(page).count();
  const input = page.getByTestId('console-input');
  await input.fill(command);
  await input.press('Enter');
  await expect(replies(page)).toHaveCount(before + 1, { timeout: SLOW_MS });
  const line = replies(page).nth(before);
  // Answered: the line is a reply or an error, no longer pending (or held).
  await expect(line.locator('xpath=..')).toHaveClass(/\b(reply|error|info)\b/, { timeout: SLOW_MS });
  return (await line.innerText()).trim();
}

async function nodeMenu(page: Page, id: number, item: RegExp): Promise<void> {
  await node(page, id).click();
  await expect(page.getByRole('menu', { name: `Actions for node ${id}` })).toBeVisible();
  await page.getByRole('menuitem', { name: item }).click();
}

/** The node inspector's "In memory" value of a row (Term, Commit index, Last log index, ...). */
async function inspected(page: Page, id: number, row: string): Promise<number> {
  await inspector(page).getByRole('group', { name: 'Pick a node' }).getByRole('button', { name: `n${id}`, exact: true }).click();
  const cell = inspector(page).getByRole('row', { name: new RegExp(`^${row}`) }).getByRole('cell').first();
  return Number((await cell.innerText()).trim());
}

/** Every node's commit and last log index equal (in memory), within the timeout. */
async function expectLogsConverged(page: Page, ids: number[]): Promise<void> {
  await expect(async () => {
    const commits: number[] = [];
    const lasts: number[] = [];
    for (const id of ids) {
      commits.push(await inspected(page, id, 'Commit index'));
      lasts.push(await inspected(page, id, 'Last log index'));
    }
    expect(new Set(commits).size, `commit indexes ${commits.join(',')}`).toBe(1);
    expect(new Set(lasts).size, `last indexes ${lasts.join(',')}`).toBe(1);
    expect(commits[0]).toBe(lasts[0]);
  }).toPass({ timeout: SLOW_MS });
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(node(page, 1)).toBeVisible();
});

test('failover: crash the leader with a click; a new leader with a higher term appears; every key is still readable', async ({ page }) => {
  const first = await leaderId(page);
  for (let k = 1; k <= 5; k++) expect(await run(page, `SET key${k} value-${k}`)).toBe('OK');
  const oldTerm = await term(page, first);

  await nodeMenu(page, first, /Crash/);
  await expect(node(page, first)).toHaveAttribute('data-role', 'crashed');
  const successor = page.locator(`[data-testid^="node-"][data-role="leader"]:not([data-testid="node-${first}"])`);
  await expect(successor).toHaveCount(1, { timeout: SLOW_MS });
  const second = await leaderId(page);
  expect(second).not.toBe(first);
  expect(await term(page, second)).toBeGreaterThan(oldTerm);

  for (let k = 1; k <= 5; k++) expect(await run(page, `GET key${k}`)).toBe(`"value-${k}"`);
});

test('transfer leadership with a click: the chosen follower leads in a higher term, and writes go on to it', async ({ page }) => {
  const first = await leaderId(page);
  expect(await run(page, 'SET before transfer')).toBe('OK');
  const oldTerm = await term(page, first);
  const target = first === 1 ? 2 : 1;

  await nodeMenu(page, target, /Transfer leadership here/);
  await expect(node(page, target)).toHaveAttribute('data-role', 'leader', { timeout: SLOW_MS });
  await expect(node(page, first)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  expect(await term(page, target)).toBeGreaterThan(oldTerm);

  expect(await run(page, 'SET after transfer')).toBe('OK');
  expect(await run(page, 'GET before')).toBe('"transfer"');
  // The leader itself cannot be the target: the item is disabled on it.
  await node(page, target).click();
  await expect(page.getByRole('menuitem', { name: /Transfer leadership here/ })).toBeDisabled();
  await page.keyboard.press('Escape');
});

test('partition: a cut-off leader cannot commit; the majority elects; after heal the old leader steps down and logs converge', async ({ page }) => {
  const old = await leaderId(page);
  expect(await run(page, 'SET base 1')).toBe('OK');
  const others = [1, 2, 3].filter((id) => id !== old);
  const commitBefore = await inspected(page, old, 'Commit index');

  // Cut every link of the old leader, both directions. The console can still reach it.
  await page.getByText('Links (tick to cut a direction)').click();
  for (const other of others) {
    await page.getByRole('checkbox', { name: `Cut messages from node ${old} to node ${other}` }).check();
    await page.getByRole('checkbox', { name: `Cut messages from node ${other} to node ${old}` }).check();
  }
  // Ask the old leader itself to write: it cannot reach a majority, so it never commits.
  const reply = await run(page, `@${old} SET stranded x`);
  expect(reply).not.toBe('OK');
  expect(reply).toMatch(/outcome is unknown|is not the leader/);
  expect(await inspected(page, old, 'Commit index')).toBe(commitBefore);

  // The majority elects a new leader in a higher term and keeps serving writes.
  const successor = page.locator(others.map((id) => `[data-testid="node-${id}"][data-role="leader"]`).join(', '));
  await expect(successor).toHaveCount(1, { timeout: SLOW_MS });
  expect(await run(page, 'SET after-split 2')).toBe('OK');
  expect(await inspected(page, old, 'Commit index')).toBe(commitBefore);

  await page.getByRole('button', { name: /Heal all/ }).click();
  await expect(node(page, old)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  const next = await leaderId(page);
  expect(others).toContain(next);
  await expect.poll(() => term(page, old), { timeout: SLOW_MS }).toBe(await term(page, next));
  await expectLogsConverged(page, [1, 2, 3]);
  // The stranded write was never committed: its entry was overwritten everywhere.
  expect(await run(page, 'GET stranded')).toBe('(nil)');
  expect(await run(page, 'GET after-split')).toBe('"2"');
});

test('restart and persistence: a crashed follower catches up after restart; a reload keeps the data', async ({ page }) => {
  const lead = await leaderId(page);
  const follower = [1, 2, 3].find((id) => id !== lead)!;
  expect(await run(page, 'SET before-crash 1')).toBe('OK');
  await nodeMenu(page, follower, /Crash/);
  await expect(node(page, follower)).toHaveAttribute('data-role', 'crashed');
  for (const k of ['a', 'b', 'c']) expect(await run(page, `SET while-down-${k} ${k}`)).toBe('OK');

  await nodeMenu(page, follower, /Restart/);
  await expect(node(page, follower)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  await expectLogsConverged(page, [1, 2, 3]);
  await expect(inspector(page).getByRole('cell', { name: 'while-down-c', exact: true })).toBeVisible();

  await page.reload();
  await leaderId(page);
  expect(await run(page, 'GET before-crash')).toBe('"1"');
  expect(await run(page, 'GET while-down-b')).toBe('"b"');
});

test('wipe disk on one follower: it warns, rejoins empty and catches up from the leader', async ({ page }) => {
  const lead = await leaderId(page);
  const follower = [1, 2, 3].find((id) => id !== lead)!;
  for (let k = 0; k < 4; k++) expect(await run(page, `SET w${k} ${k}`)).toBe('OK');

  await nodeMenu(page, follower, /Wipe/);
  const warning = page.getByRole('dialog');
  await expect(warning).toBeVisible();
  await expect(warning).toContainText(/safety/i);
  await warning.getByRole('button', { name: /Wipe/ }).click();
  await expect(node(page, follower)).toHaveAttribute('data-role', 'follower', { timeout: SLOW_MS });
  await expectLogsConverged(page, [1, 2, 3]);
  expect(await inspected(page, follower, 'Commit index')).toBeGreaterThanOrEqual(5);
  await expect(inspector(page).getByRole('cell', { name: 'w3', exact: true })).toBeVisible();
  expect(await leaderId(page)).toBe(lead); // no election was needed
});

test('console: every command, errors that give the right form, redirects shown', async ({ page }) => {
  const lead = await leaderId(page);
  const follower = [1, 2, 3].find((id) => id !== lead)!;
  expect(await run(page, 'SET fruit/apple red')).toBe('OK');
  expect(await run(page, 'SET fruit/pear "pale green"')).toBe('OK');
  expect(await run(page, 'SET veg/leek green')).toBe('OK');
  expect(await run(page, 'GET fruit/pear')).toBe('"pale green"');
  expect(await run(page, 'KEYS fruit/')).toBe('1) "fruit/apple"\n2) "fruit/pear"');
  expect(await run(page, 'CAS fruit/apple red crimson')).toBe('OK: swapped (was "red")');
  expect(await run(page, 'CAS fruit/apple red blue')).toBe('NOT SWAPPED: the value is "crimson"');
  expect(await run(page, 'CAS fruit/kiwi nil brown')).toBe('OK: swapped (was (nil))');
  expect(await run(page, 'DEL veg/leek')).toBe('deleted, was "green"');
  expect(await run(page, 'GET veg/leek')).toBe('(nil)');
  expect(await run(page, 'HELP CAS')).toContain('CAS key expected new');
  expect(await run(page, 'SET lonely')).toContain('Usage: SET key value');
  expect(await run(page, 'GET')).toContain('Usage: GET key');
  expect(await run(page, 'PUT a b')).toContain('Unknown command "PUT"');
  expect(await run(page, 'SET "unterminated value')).toMatch(/quote/i);
  expect(await run(page, `SET big ${'x'.repeat(70_000)}`)).toContain('the limit is 65536 bytes');
  // A follower names the leader instead of answering.
  expect(await run(page, `@${follower} GET fruit/apple`)).toBe(`(error) n${follower} is not the leader: it points to n${lead}`);
  // After a crash of the leader the console's next request wanders: the route shows the path.
  await nodeMenu(page, lead, /Crash/);
  await leaderId(page);
  expect(await run(page, 'GET fruit/kiwi')).toBe('"brown"');
  await expect(page.getByTestId('console-route').last()).toContainText(/answered by n\d via n\d( → n\d)+/);
});

test('pause and step: paused, no message moves and no timer runs; step delivers exactly one message', async ({ page }) => {
  const lead = await leaderId(page);
  const follower = [1, 2, 3].find((id) => id !== lead)!;
  await page.getByRole('button', { name: /Pause/ }).click();
  await expect(page.getByText('paused', { exact: true })).toBeVisible();
  const flights = page.locator('ul.flights > li > button.link-button');
  const listed = async (): Promise<string[]> => (await flights.allInnerTexts()).map((t) => t.trim());

  await inspected(page, follower, 'Term');
  const timer = inspector(page).getByText(/election timer \d+\/\d+ ticks/);
  const timerBefore = await timer.innerText();
  const messagesBefore = await listed();
  const termsBefore = await Promise.all([1, 2, 3].map((id) => term(page, id)));
  await page.waitForTimeout(2500);
  expect(await listed()).toEqual(messagesBefore);
  expect(await timer.innerText()).toBe(timerBefore);
  expect(await Promise.all([1, 2, 3].map((id) => term(page, id)))).toEqual(termsBefore);

  // Make sure something is in flight, then step: the earliest-due message, and only it, is gone.
  if (messagesBefore.length === 0) {
    await page.getByTestId('console-input').fill('SET stepped 1');
    await page.getByTestId('console-input').press('Enter');
    await expect(flights.first()).toBeVisible();
  }
  const before = await listed();
  await page.getByRole('button', { name: /Step/ }).click();
  await expect.poll(async () => (await listed()).join('|'), { timeout: SLOW_MS }).not.toBe(before.join('|'));
  const after = await listed();
  const count = (list: string[], text: string) => list.filter((t) => t === text).length;
  expect(count(after, before[0]!)).toBe(count(before, before[0]!) - 1);
  // Everything else is still there (a delivery may add its answer to the list).
  for (const text of new Set(before.slice(1))) {
    if (text !== before[0]) expect(count(after, text)).toBeGreaterThanOrEqual(count(before, text));
  }
  await page.getByRole('button', { name: /Resume/ }).click();
  await expect(page.getByText('paused', { exact: true })).toBeHidden();
});

test('no majority: a GET is held within a few election timeouts, says why, and Retry answers once a majority is back', async ({ page }) => {
  const first = await leaderId(page);
  expect(await run(page, 'SET kept here')).toBe('OK');
  const others = [1, 2, 3].filter((id) => id !== first);
  await nodeMenu(page, first, /Crash/);
  await nodeMenu(page, others[0]!, /Crash/);
  await expect(page.locator('[data-testid^="node-"][data-role="crashed"]')).toHaveCount(2);

  const input = page.getByTestId('console-input');
  await input.fill('GET kept');
  await input.press('Enter');
  const line = page.getByTestId('console-output').locator('li.held');
  await expect(line).toContainText('no leader: only 1 of 3 nodes is running; a majority is 2', { timeout: SLOW_MS });
  await expect(line.getByTestId('console-retry')).toBeVisible();

  await nodeMenu(page, first, /Restart/);
  await leaderId(page);
  await line.getByTestId('console-retry').click();
  await expect(replies(page).last()).toHaveText('"here"', { timeout: SLOW_MS });
});

test('independent SETs are pipelined; one on a busy key says what it waits behind', async ({ page }) => {
  await leaderId(page);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: /Pause$/ }).click();
  const input = page.getByTestId('console-input');
  for (let k = 0; k < 6; k++) {
    await input.fill(`SET pipe${k} ${k}`);
    await input.press('Enter');
  }
  await input.fill('SET pipe0 again');
  await input.press('Enter');
  const pending = page.getByTestId('console-output').locator('li.pending').getByTestId('console-line');
  await expect(pending).toHaveCount(7);
  // Paused: nothing can be answered, yet all six independent requests are already sent...
  await expect(pending.filter({ hasText: /^sent to n\d/ })).toHaveCount(6);
  // ...and the seventh, on a key already in use, waits its turn and says so.
  await expect(pending.last()).toHaveText('queued behind 1 earlier request on the same key…');
  await page.getByRole('button', { name: /Resume$/ }).click();
  await expect(pending).toHaveCount(0, { timeout: SLOW_MS });
  await expect(page.getByTestId('console-output').locator('li.error')).toHaveCount(0);
  expect(await run(page, 'GET pipe0')).toBe('"again"');
});

test('a database deleted under a running node stops that node with the reason; it never acknowledges from memory', async ({ page }) => {
  const first = await leaderId(page);
  expect(await run(page, 'SET durable yes')).toBe('OK');
  const victim = [1, 2, 3].find((id) => id !== first)!;
  await page.evaluate((name) => new Promise<void>((resolve) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
  }), `raft-node-${victim}`);
  await expect(node(page, victim)).toHaveAttribute('data-role', 'crashed', { timeout: SLOW_MS });
  await expect(page.getByRole('alert').filter({ hasText: `Node ${victim} stopped: its database raft-node-${victim} was deleted while it ran` })).toBeVisible();
  await expect(page.getByText(/runs on in-memory storage/)).toHaveCount(0);
  expect(await run(page, 'SET still works')).toBe('OK'); // the other two are a majority
  await nodeMenu(page, victim, /Restart/);
  await expect(node(page, victim)).toHaveAttribute('data-role', 'crashed');
  await expect(page.getByText(/is empty, but the node had state/).first()).toBeVisible({ timeout: SLOW_MS });
});

test('a second tab runs its own cluster in memory only, and its header says so', async ({ page, context }) => {
  await leaderId(page);
  const second = await context.newPage();
  await second.goto('/');
  await expect(second.getByTitle('Where the cluster runs')).toHaveText(/workers \+ memory only/, { timeout: SLOW_MS });
  await expect(page.getByTitle('Where the cluster runs')).toHaveText('workers + IndexedDB');
  await second.close();
});
