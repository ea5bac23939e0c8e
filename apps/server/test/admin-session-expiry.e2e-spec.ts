import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { DataSource } from 'typeorm';
import { en } from '../../admin/src/i18n/messages';
import { AuthSession } from '../src/auth/auth-session.entity';
import { startMetaInboxWorld, launchChromium, type MetaInboxWorld } from './admin-locale-kit';
import { artifactsDir, CHROMIUM, screenshotter } from './admin-numbers-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD } from './test-app';

const WAIT_MS = 15_000;
// Two sign-ins, page loads and a fresh browser context per test, on a machine shared with other specs.
jest.setTimeout(120_000);
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(
    `admin session expiry browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`,
  );

/** A login that ends on the server while a page is open: back to login, then back to that page. */
describeWithBrowser('admin session that expires', () => {
  let w: MetaInboxWorld;
  let browser: Browser;
  let threadPath: string;
  const shot = screenshotter(artifactsDir('admin-session-expiry'));

  beforeAll(async () => {
    w = await startMetaInboxWorld();
    await w.customerWrites('6281234567001', 'Budi Santoso', 'Halo, apakah tokonya buka?');
    threadPath = `/chats/${await w.contactUuidOf('Budi Santoso')}/${w.numberUuid}`;
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  const endSessions: Array<[string, (db: DataSource) => Promise<unknown>]> = [
    ['deleted on the server', (db) => db.createQueryBuilder().delete().from(AuthSession).execute()],
    [
      'lapsed',
      (db) =>
        db
          .createQueryBuilder()
          .update(AuthSession)
          .set({ expiresAt: new Date(Date.now() - 60_000) })
          .execute(),
    ],
  ];

  it.each(endSessions)(
    'sends the user to login when their session is %s, and back to the thread they had open',
    async (how, endSession) => {
      const context = await browser.newContext({ locale: 'en-US' });
      try {
        const page = await context.newPage();
        await page.goto(`${w.baseUrl}${threadPath}`);
        await page.waitForURL(/\/login\?redirect=/);
        await page.getByTestId('login-email').fill(ADMIN_EMAIL);
        await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
        await page.getByTestId('login-submit').click();
        await page.waitForURL(`${w.baseUrl}${threadPath}`);
        await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });

        await endSession(w.t.app.get(DataSource));
        // The next request the page makes finds the session gone: a search typed now, or one the
        // page makes on its own first (marking the thread read) — then the box is already gone.
        const typed = page
          .getByTestId('conversation-search')
          .fill('Budi', { timeout: WAIT_MS })
          .catch(() => undefined);
        await page.waitForURL(/\/login\?/, { timeout: WAIT_MS });
        await typed;
        const url = new URL(page.url());
        expect(url.searchParams.get('redirect')).toBe(threadPath);
        expect(url.searchParams.get('expired')).toBe('1');
        await page.getByRole('status').filter({ hasText: en.errors.sessionExpired }).waitFor();
        await shot(page, `login-after-session-${how.replaceAll(' ', '-')}`);

        await page.getByTestId('login-email').fill(ADMIN_EMAIL);
        await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
        await page.getByTestId('login-submit').click();
        await page.waitForURL(`${w.baseUrl}${threadPath}`, { timeout: WAIT_MS });
        await page
          .getByTestId('message-body')
          .filter({ hasText: 'Halo, apakah tokonya buka?' })
          .waitFor({ timeout: WAIT_MS });
        await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
        await shot(page, `back-on-thread-${how.replaceAll(' ', '-')}`);
      } finally {
        await context.close();
      }
    },
  );
});
