/**
 * Screenshots of the playground's main states, for a person to look at (not a test).
 *   npx vite build && npx vite preview --port 4173 &  npx tsx scripts/ui-screenshots.ts [url] [outDir]
 */
import { chromium, type Page } from '@playwright/test';

const url = process.argv[2] ?? 'http://127.0.0.1:4173/';
const out = process.argv[3] ?? '/tmp/shots';

async function waitForLeader(page: Page): Promise<void> {
  await page.locator('[data-role="leader"]').first().waitFor({ timeout: 30_000 });
}

async function run(command: string, page: Page): Promise<void> {
  await page.getByTestId('console-input').fill(command);
  await page.getByTestId('console-input').press('Enter');
}

async function main(): Promise<void> {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const only = process.env.SHOTS?.split(',');
  const want = (name: string) => only === undefined || only.includes(name);
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') console.error('page:', m.text()); });
    page.on('pageerror', (e) => console.error('page error:', e.message));
    const params = process.env.SHOT_PARAMS ?? '';
    await page.goto(`${url}${params}`);
    await page.locator('[data-testid^="node-"]').first().waitFor();
    if (want('election')) {
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${out}/election.png` });
    }
    await waitForLeader(page);
    await run('SET greeting "hello world"', page);
    await page.getByTestId('console-route').nth(0).waitFor({ timeout: 20_000 });
    await run('GET greeting', page);
    await page.getByTestId('console-route').nth(1).waitFor({ timeout: 20_000 });
    await page.getByRole('combobox', { name: 'Auto-writes' }).selectOption('10');
    await page.waitForTimeout(3000);
    if (want('steady')) {
      // Slow enough to see the appends and their answers in flight.
      await page.getByRole('slider', { name: 'Speed' }).fill('45');
      await page.waitForTimeout(3000);
      await page.screenshot({ path: `${out}/steady.png` });
      await page.getByRole('slider', { name: 'Speed' }).fill('100');
    }
    if (want('full')) await page.screenshot({ path: `${out}/full-page.png`, fullPage: true });
    if (want('crashed')) {
      const leader = page.locator('[data-role="leader"]').first();
      await leader.click();
      await page.getByRole('menuitem', { name: /Crash/ }).click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/crashed-leader.png` });
      await waitForLeader(page);
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${out}/crashed-leader-reelected.png` });
    }
    if (want('partition')) {
      await page.getByRole('button', { name: /Heal all/ }).click().catch(() => undefined);
      const crashed = page.locator('[data-role="crashed"]');
      if (await crashed.count() > 0) {
        await crashed.first().click();
        await page.getByRole('menuitem', { name: /Restart/ }).click();
      }
      const node = page.getByTestId('node-1');
      const box = (await node.boundingBox())!;
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2 - 40, box.y + box.height / 2 + 10, { steps: 5 });
      await page.mouse.move(box.x - 120, box.y + 60, { steps: 5 });
      await page.mouse.up();
      await page.waitForTimeout(2500);
      await page.screenshot({ path: `${out}/partition.png` });
    }
    if (want('slow')) {
      // An election in slow motion: votes flying, vote markers around the candidate.
      await page.getByRole('button', { name: /Heal all/ }).click().catch(() => undefined);
      await page.getByRole('combobox', { name: 'Auto-writes' }).selectOption('0');
      await page.getByRole('slider', { name: 'Speed' }).fill('30');
      await page.waitForTimeout(500);
      const leader = page.locator('[data-role="leader"]').first();
      await leader.click();
      await page.getByRole('menuitem', { name: /Crash/ }).click();
      await page.locator('[data-role="follower"]').first().click();
      await page.getByRole('menuitem', { name: /Force election timeout/ }).click();
      await page.locator('[data-role="candidate"]').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/election-slow.png` });
      await page.locator('[data-role="leader"]').first().waitFor({ timeout: 60_000 });
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${out}/election-slow-won.png` });
      await page.getByRole('button', { name: /Pause/ }).click();
      await page.waitForTimeout(300);
      const listed = page.locator('.flights .link-button').first();
      if (await listed.count() > 0) await listed.click();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/paused-message.png` });
      await page.getByRole('button', { name: /Resume/ }).click();
      await page.getByRole('slider', { name: 'Speed' }).fill('100');
      const crashed = page.locator('[data-role="crashed"]');
      if (await crashed.count() > 0) {
        await crashed.first().click();
        await page.getByRole('menuitem', { name: /Restart/ }).click();
      }
    }
    if (want('faults')) {
      // Lossy, duplicating network in slow motion, one link cut one way, keyboard focus on a node.
      await page.getByRole('button', { name: /Heal all/ }).click().catch(() => undefined);
      await page.getByRole('combobox', { name: 'Auto-writes' }).selectOption('10');
      await page.getByRole('slider', { name: 'Speed' }).fill('35');
      await page.getByRole('slider', { name: /Drop/ }).fill('30');
      await page.getByRole('slider', { name: /Duplicate/ }).fill('20');
      await page.getByText('Links (tick to cut a direction)').click();
      await page.getByRole('checkbox', { name: 'Cut messages from node 1 to node 2' }).check();
      await page.getByTestId('node-3').focus();
      await page.waitForTimeout(4000);
      await page.screenshot({ path: `${out}/faults.png` });
      await page.keyboard.press('w');
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${out}/wipe-dialog.png` });
      await page.keyboard.press('Escape');
      await page.getByRole('slider', { name: /Drop/ }).fill('0');
      await page.getByRole('slider', { name: /Duplicate/ }).fill('0');
      await page.getByRole('button', { name: /Heal all/ }).click();
      await page.getByRole('slider', { name: 'Speed' }).fill('100');
    }
    if (want('menu')) {
      await page.getByTestId('node-2').focus();
      await page.keyboard.press('Enter');
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${out}/node-menu.png` });
      await page.keyboard.press('Escape');
    }
    if (want('console')) {
      await run('CAS greeting nil x', page);
      await run('SET onlykey', page);
      await run('KEYS', page);
      await run('HELP', page);
      await page.waitForTimeout(1500);
      await page.getByTestId('console-output').screenshot({ path: `${out}/console.png` });
      await page.screenshot({ path: `${out}/console-page.png` });
    }
    if (want('help')) {
      await page.getByTestId('console-input').press('Escape');
      await page.keyboard.press('?');
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${out}/help.png` });
      await page.keyboard.press('Escape');
    }
    if (want('dark')) {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.waitForTimeout(500);
      await page.screenshot({ path: `${out}/dark.png` });
      await page.screenshot({ path: `${out}/dark-full.png`, fullPage: true });
      await page.emulateMedia({ colorScheme: 'light' });
    }
    await context.close();
    if (want('mobile')) {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
      const p = await phone.newPage();
      await p.goto(`${url}${params}`);
      await waitForLeader(p);
      await p.waitForTimeout(1000);
      await p.screenshot({ path: `${out}/mobile.png` });
      await p.screenshot({ path: `${out}/mobile-full.png`, fullPage: true });
      await phone.close();
    }
  } finally {
    await browser.close();
  }
}

await main();
