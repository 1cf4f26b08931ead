import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/app.ts';
import { openOfflineBrowser, type BrowserSession } from '../helpers/browser.ts';

// GraphiQL on an air-gapped host: every file comes from the gateway itself, the editor renders, and
// a query runs. A real headless Chromium whose only reachable origin is the gateway.
let gw: TestGateway;
let browser: BrowserSession;
beforeAll(async () => {
  gw = await startTestGateway();
  browser = await openOfflineBrowser(gw.url);
});
afterAll(async () => {
  await browser?.close();
  await gw?.close();
});

it('renders from the gateway alone and runs { __typename }', { timeout: 120_000 }, async () => {
  const { page } = browser;
  await page.goto(`${gw.url}/graphql`);
  const editor = page.locator('.graphiql-query-editor');
  await editor.waitFor({ timeout: 60_000 });

  // Replace the default document with the query, in the editor as a person would type it.
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.type('{ __typename }');
  await page.locator('.graphiql-execute-button').click();
  await expect.poll(async () => (await page.locator('.graphiql-response').innerText()).replace(/\s+/g, ''), { timeout: 30_000 }).toContain('"__typename":"Query"');

  expect(browser.blocked, 'requests to anything but the gateway').toEqual([]);
  expect(browser.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
