/**
 * The hosted build: dist/ (made by `vite build` before the suite) must work from any sub-path
 * of a plain static file server, with no server-side code and no rewrites. This test serves it
 * with a deliberately dumb server (files only, MIME by extension) under /some/deep/path/.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

const DIST = resolve('dist');
const SUB_PATH = '/some/deep/path/';
const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.json': 'application/json',
  '.png': 'image/png',
};

let server: Server;
let origin = '';

test.beforeAll(async () => {
  expect(existsSync(join(DIST, 'index.html')), 'dist/ is built by the Playwright webServer step').toBe(true);
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(SUB_PATH)) {
      res.writeHead(404).end('outside the sub-path');
      return;
    }
    const relative = normalize(decodeURIComponent(url.pathname.slice(SUB_PATH.length)) || 'index.html');
    const file = join(DIST, relative);
    if (!file.startsWith(DIST) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  origin = `http://127.0.0.1:${address.port}`;
});

test.afterAll(async () => {
  await new Promise((done) => server.close(done));
});

test('the built page runs from a sub-path of a plain static server: workers start, a leader is elected, writes commit', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  page.on('pageerror', (e) => failed.push(e.message));
  await page.goto(`${origin}${SUB_PATH}`);
  await expect(page.getByText('workers + IndexedDB')).toBeVisible();
  await expect(page.locator('[data-testid^="node-"][data-role="leader"]')).toHaveCount(1, { timeout: 45_000 });
  const input = page.getByTestId('console-input');
  await input.fill('SET hosted yes');
  await input.press('Enter');
  await expect(page.getByTestId('console-output').getByTestId('console-line').last()).toHaveText('OK', { timeout: 45_000 });
  expect(failed).toEqual([]);
});
