import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { en, id } from '../../admin/src/i18n/messages';
import { startMetaInboxWorld, launchChromium, type MetaInboxWorld } from './admin-locale-kit';
import { artifactsDir, CHROMIUM, screenshotter } from './admin-numbers-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './test-app';

const WAIT_MS = 15_000;
// Two sign-ins, page loads and a fresh browser context per test, on a machine shared with other specs.
jest.setTimeout(120_000);
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`admin locale browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

function leaves(tree: object, prefix = ''): [string, string][] {
  return Object.entries(tree).flatMap(([key, value]): [string, string][] =>
    typeof value === 'string'
      ? [[`${prefix}${key}`, value]]
      : leaves(value as object, `${prefix}${key}.`),
  );
}

/** Every catalogue key: none may reach the page as it is. */
const KEYS = leaves(en).map(([key]) => key);
const NAMESPACES = Object.keys(en);
const RAW_KEY = new RegExp(`\\b(?:${NAMESPACES.join('|')})\\.[a-zA-Z]+(?:\\.[a-zA-Z]+)*\\b`);

/**
 * English phrases (two words or more, between placeholders and plural bars) that no Indonesian
 * string contains: any of them on a page in Bahasa Indonesia is a string left in English.
 */
const indonesianText = leaves(id)
  .map(([, value]) => value)
  .join('\n');
const ENGLISH_ONLY = [
  ...new Set(
    leaves(en)
      .flatMap(([, value]) => value.split(/\{\w+\}|\|/))
      .map((fragment) => fragment.trim())
      .filter(
        (fragment) => fragment.split(/\s+/).length >= 2 && !indonesianText.includes(fragment),
      ),
  ),
];

async function expectAllIndonesian(page: Page, where: string): Promise<void> {
  const text = await page.locator('body').innerText();
  expect({ where, rawKey: text.match(RAW_KEY)?.[0] ?? null }).toEqual({ where, rawKey: null });
  expect({ where, keys: KEYS.filter((key) => text.includes(key)) }).toEqual({ where, keys: [] });
  expect({ where, english: ENGLISH_ONLY.filter((phrase) => text.includes(phrase)) }).toEqual({
    where,
    english: [],
  });
}

/** The language is kept on the user: it follows them to a browser that never saw the choice. */
describeWithBrowser('admin language, remembered on the server', () => {
  let w: MetaInboxWorld;
  let browser: Browser;
  let contactUuid: string;
  const shot = screenshotter(artifactsDir('admin-locale'));

  beforeAll(async () => {
    w = await startMetaInboxWorld();
    await w.customerWrites('6281234567001', 'Budi Santoso', 'Halo, apakah tokonya buka?');
    await w.customerWrites('6281234567002', 'Siti Rahma', 'Pesanan saya sudah dikirim?');
    contactUuid = await w.contactUuidOf('Budi Santoso');
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  async function signIn(page: Page, path: string): Promise<void> {
    await page.goto(`${w.baseUrl}${path}`);
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${w.baseUrl}${path}`);
  }

  it('picks Bahasa Indonesia, signs out, and finds it again in a fresh browser', async () => {
    let first: BrowserContext | null = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await first.newPage();
      await signIn(page, '/');
      await page.locator('h1', { hasText: en.nav.overview }).waitFor({ timeout: WAIT_MS });

      const saved = page.waitForResponse(
        (res) => res.url().endsWith('/api/auth/me') && res.request().method() === 'PATCH',
      );
      await page.getByTestId('locale-switcher').selectOption('id');
      expect((await saved).status()).toBe(200);
      await page.locator('h1', { hasText: id.nav.overview }).waitFor({ timeout: WAIT_MS });
      await shot(page, 'chosen-bahasa-indonesia');

      await page.getByTestId('logout').click();
      await page.waitForURL(/\/login/);
      await first.close();
      first = null;

      // A browser that never saw the choice, and whose own language is English.
      const fresh = await browser.newContext({ locale: 'en-US' });
      try {
        const other = await fresh.newPage();
        await other.goto(`${w.baseUrl}/settings/whatsapp`);
        await other.getByTestId('login-submit').filter({ hasText: en.login.submit }).waitFor();
        await shot(other, 'login-before-sign-in-english');
        await other.getByTestId('login-email').fill(ADMIN_EMAIL);
        await other.getByTestId('login-password').fill(ADMIN_PASSWORD);
        await other.getByTestId('login-submit').click();
        await other.waitForURL(`${w.baseUrl}/settings/whatsapp`);

        await other.locator('h1', { hasText: id.nav.whatsapp }).waitFor({ timeout: WAIT_MS });
        expect(await other.locator('html').getAttribute('lang')).toBe('id');
        expect(await other.getByTestId('locale-switcher').inputValue()).toBe('id');
        await other.getByTestId('number-row').first().waitFor({ timeout: WAIT_MS });
        await expectAllIndonesian(other, 'numbers page');
        await shot(other, 'numbers-bahasa-indonesia');

        await other.goto(`${w.baseUrl}/chats`);
        await other.getByTestId('conversation').nth(1).waitFor({ timeout: WAIT_MS });
        await expectAllIndonesian(other, 'conversation list');
        await shot(other, 'inbox-bahasa-indonesia');

        await other.goto(`${w.baseUrl}/chats/${contactUuid}/${w.numberUuid}`);
        await other
          .getByTestId('message-body')
          .filter({ hasText: 'Halo, apakah tokonya buka?' })
          .waitFor({ timeout: WAIT_MS });
        await other.getByTestId('composer').waitFor({ timeout: WAIT_MS });
        await expectAllIndonesian(other, 'thread');
        await shot(other, 'thread-bahasa-indonesia');
      } finally {
        await fresh.close();
      }
    } finally {
      await first?.close();
    }
  });

  it('switches back to English for this user everywhere', async () => {
    const context = await browser.newContext({ locale: 'id-ID' });
    try {
      const page = await context.newPage();
      await signIn(page, '/members');
      await page.locator('h1', { hasText: id.nav.members }).waitFor({ timeout: WAIT_MS });
      const saved = page.waitForResponse(
        (res) => res.url().endsWith('/api/auth/me') && res.request().method() === 'PATCH',
      );
      await page.getByTestId('locale-switcher').selectOption('en');
      expect((await saved).status()).toBe(200);
      await page.locator('h1', { hasText: en.nav.members }).waitFor({ timeout: WAIT_MS });

      const me = await page.request.get(`${w.baseUrl}/api/auth/me`);
      expect(((await me.json()) as { user: { locale: string } }).user.locale).toBe('en');
    } finally {
      await context.close();
    }
  });
});
