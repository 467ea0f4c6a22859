/**
 * Membership changes from the page (#11), in the in-page engine: "+ Add node" starts a node that
 * catches up as a learner (drawn as one) and becomes a voter; removing the leader makes it step
 * down once the change commits, and the others elect a new leader; writes keep working. Every
 * wait is for a state the page shows, never for a duration.
 */
import { expect, test } from '@playwright/test';
import { SLOW_MS, leaderId, node, run } from './cluster-page.ts';


test('a node added from the page catches up as a learner and becomes a voter; the removed leader steps down', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('./?offline&seed=3');
  await leaderId(page);
  expect(await run(page, 'SET a 1')).toMatch(/OK/);
  const count = await page.locator('[data-testid^="node-"][data-role]').count();
  const id = count + 1;

  // Paused, one message at a time: the learner phase lasts as long as we like.
  await page.getByRole('button', { name: /Pause/ }).click();
  await page.getByTestId('add-node').click();
  await expect(node(page, id)).toHaveAttribute('data-role', 'learner', { timeout: SLOW_MS });
  await expect(node(page, id).locator('text.role')).toHaveText('learner (no vote yet)');
  for (let k = 0; k < 60 && !(await page.getByTestId('configuration').innerText().catch(() => '')).includes(`learners ${id}`); k++) {
    await page.getByRole('button', { name: /Step/ }).click();
  }
  await expect(page.getByTestId('configuration')).toContainText(`learners ${id}`);
  await page.getByRole('button', { name: /Resume/ }).click();
  // The leader promotes it once it holds everything committed.
  await expect(node(page, id)).toHaveAttribute('data-role', /^(follower|leader|candidate|pre-candidate)$/, { timeout: SLOW_MS });
  // Everyone votes again: the header no longer needs to spell the configuration out.
  await expect(page.getByTestId('configuration')).toHaveCount(0, { timeout: SLOW_MS });
  expect(await run(page, 'GET a')).toMatch(/"1"|\b1\b/);

  const old = await leaderId(page);
  await node(page, old).click();
  await page.getByRole('menuitem', { name: /Remove from cluster/ }).click();
  await expect(node(page, old)).not.toHaveAttribute('data-role', 'leader', { timeout: SLOW_MS });
  await expect(node(page, old).locator('text.role')).toHaveText('not in the cluster', { timeout: SLOW_MS });
  const next = await leaderId(page);
  expect(next).not.toBe(old);
  await expect(page.getByTestId('configuration')).not.toContainText(`${old},`, { timeout: SLOW_MS });
  expect(await run(page, 'SET b 2')).toMatch(/OK/);
  expect(errors).toEqual([]);
});
