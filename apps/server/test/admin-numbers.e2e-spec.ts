import { existsSync } from 'node:fs';
import { SessionErrorReason, type WhatsappSessionDetailView } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import {
  artifactsDir,
  CHROMIUM,
  screenshotter,
  startNumbersWorld,
  type NumbersWorld,
} from './admin-numbers-kit';
import { bearer, subscribeToPlan } from './sessions-test-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken } from './test-app';

const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`admin numbers browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

/** Long enough to scan on a busy machine, short enough to watch it run out. */
const QR_WINDOW_MS = 20_000;
const WAIT_MS = 30_000;
const PHONE = '6281234567890';
/** The admin's own workspace, created at first run. */
const WORKSPACE_ID = 1;

jest.setTimeout(180_000);

/**
 * An admin links a WhatsApp number in the browser: the QR from the real engine shows up live, the
 * fake phone scans it, the page follows without a reload; the scan window runs out and a new QR
 * comes; the plan limit disables adding. Screenshots of each step go to the artifacts folder.
 */
describeWithBrowser('admin SPA: WhatsApp numbers page', () => {
  let w: NumbersWorld;
  let browser: Browser;
  let page: Page;
  let token: string;
  const shot = screenshotter(artifactsDir('admin-numbers'));

  beforeAll(async () => {
    w = await startNumbersWorld(QR_WINDOW_MS);
    token = await loginToken(w.t, ADMIN_EMAIL, ADMIN_PASSWORD);
    await subscribeToPlan(w.t, WORKSPACE_ID, 2);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });

  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  const modal = () => page.getByTestId('qr-modal');
  const rows = () => page.getByTestId('number-row');

  async function detail(uuid: string): Promise<WhatsappSessionDetailView> {
    const res = await w.t
      .http()
      .get(`/api/sessions/${uuid}`)
      .set(bearer(token, WORKSPACE_ID))
      .expect(200);
    return res.body as WhatsappSessionDetailView;
  }

  async function shownQr(): Promise<string> {
    const image = page.getByTestId('qr-image');
    await image.waitFor({ timeout: WAIT_MS });
    return (await image.getAttribute('src'))!;
  }

  async function modalSession(): Promise<string> {
    const body = modal().locator('[data-session-uuid]');
    await waitFor(
      async () => Boolean(await body.getAttribute('data-session-uuid')),
      'the modal to know its number',
    );
    return (await body.getAttribute('data-session-uuid'))!;
  }

  it('signs in and shows the empty numbers page with its guide and the plan usage', async () => {
    await page.goto(`${w.baseUrl}/settings/whatsapp`);
    await page.waitForURL(/\/login/);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${w.baseUrl}/settings/whatsapp`);
    await page.getByTestId('numbers-empty').waitFor();
    await expectText(page.getByTestId('numbers-usage'), '0 of 2 numbers');
    await page
      .locator('[data-testid="realtime-status"][data-state="connected"]')
      .waitFor({ timeout: WAIT_MS });
    await shot(page, 'empty-state');
  });

  it('adds a number: the QR appears and follows its rotation, the phone scans it, the modal closes and the number is connected — no reload', async () => {
    // A reload would lose this marker.
    await page.evaluate(() => ((globalThis as { marker?: number }).marker = 7));
    await page.getByTestId('add-number').click();
    await modal().waitFor();
    const first = await shownQr();
    expect(first).toMatch(/^data:image\/png;base64,/);
    const uuid = await modalSession();
    expect((await detail(uuid)).qr_code).toBe(first);
    await expectText(page.getByTestId('qr-countdown'), /^00:(1\d|0\d|20)$/);
    await shot(page, 'qr-shown');

    // WhatsApp Web rotates the QR; the page shows the new one.
    const qr = await w.fake.waitForQr();
    const rotated = await w.fake.rotateQr(qr);
    await waitFor(
      async () => (await page.getByTestId('qr-image').getAttribute('src')) !== first,
      'the page to show the rotated QR',
      WAIT_MS,
    );
    await shot(page, 'qr-rotated');

    await w.fake.scanQr(rotated, { phone: PHONE });
    await modal().waitFor({ state: 'detached', timeout: WAIT_MS });
    const linked = page.locator(`[data-testid="number-row"][data-session-uuid="${uuid}"]`);
    await page
      .locator(`[data-testid="number-row"][data-session-uuid="${uuid}"][data-status="connected"]`)
      .waitFor({ timeout: WAIT_MS });
    await expectText(linked.getByTestId('number-phone'), '+62 812-3456-7890');
    await expectText(linked.getByTestId('number-status'), /Connected/);
    await expect(linked.getByTestId('primary-badge').count()).resolves.toBe(1);
    await expectText(page.getByTestId('numbers-notice'), /\+62 812-3456-7890 is linked/);
    await expectText(page.getByTestId('numbers-usage'), '1 of 2 numbers');
    expect(await page.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(7);
    await shot(page, 'connected');
  });

  it('lets the QR window run out, then "regenerate" gives a new QR', async () => {
    await page.getByTestId('add-number').click();
    const first = await shownQr();
    const uuid = await modalSession();

    // Nobody scans: the countdown reaches the end of the engine's window.
    await page.getByTestId('qr-expired').waitFor({ timeout: QR_WINDOW_MS + WAIT_MS });
    await expect(page.getByTestId('qr-image').count()).resolves.toBe(0);
    await shot(page, 'qr-expired');

    await page.getByTestId('qr-regenerate').click();
    const fresh = await shownQr();
    expect(fresh).not.toBe(first);
    expect((await detail(uuid)).qr_code).toBe(fresh);
    await expectText(page.getByTestId('qr-countdown'), /^00:(1\d|0\d|20)$/);
    await shot(page, 'qr-regenerated');

    await page.getByTestId('qr-close').click();
    await modal().waitFor({ state: 'detached' });
  });

  it('at the plan limit, disables "Add number" with the reason, and the API refuses a forced request', async () => {
    await expectText(page.getByTestId('numbers-usage'), '2 of 2 numbers');
    await expect(page.getByTestId('add-number').isDisabled()).resolves.toBe(true);
    await expectText(
      page.getByTestId('numbers-limit-reason'),
      /Your plan allows 2 WhatsApp numbers/,
    );
    expect(await page.getByTestId('add-number').getAttribute('aria-describedby')).toBe(
      'numbers-limit',
    );
    await shot(page, 'plan-limit');

    const forced = await w.t
      .http()
      .post('/api/sessions')
      .set(bearer(token, WORKSPACE_ID))
      .send({ provider_type: 'webjs' })
      .expect(403);
    expect(forced.body.error.details.reason).toBe(SessionErrorReason.PLAN_LIMIT_REACHED);
  });

  it('deletes a number after confirmation, and adding is possible again', async () => {
    const waiting = page.locator('[data-testid="number-row"]:not([data-status="connected"])');
    await waiting.getByTestId('action-delete').click();
    await page.getByTestId('confirm-dialog').waitFor();
    await shot(page, 'delete-confirmation');
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached', timeout: WAIT_MS });
    await waitFor(async () => (await rows().count()) === 1, 'one number left', WAIT_MS);
    await expectText(page.getByTestId('numbers-usage'), '1 of 2 numbers');
    await expect(page.getByTestId('add-number').isEnabled()).resolves.toBe(true);
  });

  it('renders the page in Bahasa Indonesia with no untranslated key', async () => {
    await page.getByTestId('locale-switcher').selectOption('id');
    await expectText(page.locator('h1'), 'Nomor WhatsApp');
    await expectText(page.getByTestId('numbers-usage'), '1 dari 2 nomor');
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/\b(numbers|sessionStatus|providers|nav|layout|qrModal)\.\w+/);
    await shot(page, 'bahasa-indonesia');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'phone-size');
    await page.setViewportSize({ width: 1280, height: 860 });
    // Remembered for this user across a reload.
    await page.reload();
    await expectText(page.locator('h1'), 'Nomor WhatsApp');
  });
});

async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  await locator.filter({ hasText: expected }).first().waitFor({ timeout: WAIT_MS });
  const text = (await locator.first().textContent())?.trim() ?? '';
  if (typeof expected === 'string') expect(text).toBe(expected);
  else expect(text).toMatch(expected);
}
