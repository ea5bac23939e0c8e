import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

const CHROMIUM = '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`admin shell browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

/** The built admin SPA, served by the real server, driven in real Chromium. */
describeWithBrowser('admin shell in the browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const token = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    await t
      .http()
      .post('/api/workspaces')
      .set({ authorization: `Bearer ${token}` })
      .send({ name: 'Second shop' })
      .expect(201);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('sends a visitor to the login page, keeping where they were going', async () => {
    await page.goto(`${baseUrl}/members`);
    await page.waitForURL(/\/login\?redirect=/);
    expect(new URL(page.url()).searchParams.get('redirect')).toBe('/members');
  });

  it('shows the server’s error for a wrong password and keeps what was typed', async () => {
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expectText(page, 'login-error', /email or password is not correct/i);
    expect(await page.getByTestId('login-email').inputValue()).toBe(ADMIN_EMAIL);
  });

  it('logs in and lands on the page it was heading for, with the role shown', async () => {
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${baseUrl}/members`);
    await expectText(page, 'current-role', /owner/i);
    await expectText(page, 'user-name', /Admin/);
  });

  it('switches workspace with the switcher', async () => {
    await page.goto(`${baseUrl}/`);
    await expectText(page, 'overview-workspace-name', /My workspace/);
    const switcher = page.getByTestId('workspace-switcher');
    const option = switcher.locator('option', { hasText: 'Second shop' });
    await switcher.selectOption({ value: (await option.getAttribute('value'))! });
    await expectText(page, 'overview-workspace-name', /Second shop/);
    await page.reload();
    await expectText(page, 'overview-workspace-name', /Second shop/);
  });

  it('logs out back to the login page', async () => {
    await page.getByTestId('logout').click();
    await page.waitForURL(/\/login/);
    await page.goto(`${baseUrl}/`);
    await page.waitForURL(/\/login/);
  });
});

async function expectText(page: Page, testId: string, pattern: RegExp): Promise<void> {
  const locator = page.getByTestId(testId);
  await locator.filter({ hasText: pattern }).waitFor({ timeout: 10_000 });
  expect(await locator.textContent()).toMatch(pattern);
}
