import { userChannel } from '@switchboard/contracts';
import { FakePusherService, waitFor } from '@switchboard/testing';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { EchoGateway } from '../src/realtime/echo.gateway';
import { listenOnLoopback } from './realtime-test-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken, startTestApp, type TestApp } from './test-app';

const CHROMIUM = '/usr/bin/chromium';
const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
const PUSHER_APP = { appId: '31', key: 'page-key', secret: 'page-secret-value' };

/** The SPA's realtime connection in real Chromium follows a broadcast-driver switch live. */
describeWithBrowser('admin SPA realtime connection', () => {
  let t: TestApp;
  let baseUrl: string;
  let browser: Browser;
  let page: Page;
  let pusher: FakePusherService;
  let adminToken: string;

  beforeAll(async () => {
    pusher = new FakePusherService(PUSHER_APP);
    await pusher.start();
    t = await startTestApp();
    baseUrl = await listenOnLoopback(t.app);
    adminToken = await loginToken(t, ADMIN_EMAIL, ADMIN_PASSWORD);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await t.close();
    await pusher.stop();
  });

  const switchTo = (body: object) =>
    t
      .http()
      .put('/api/admin/settings/broadcast')
      .set({ authorization: `Bearer ${adminToken}` })
      .send(body)
      .expect(200);

  async function realtimeStatus(state: string, driver: string): Promise<void> {
    await page
      .locator(`[data-testid="realtime-status"][data-state="${state}"][data-driver="${driver}"]`)
      .waitFor({ timeout: 10_000 });
  }

  it('connects over socket.io after login, then moves to Pusher and back without a reload', async () => {
    await page.goto(`${baseUrl}/login`);
    await page.getByTestId('login-email').fill(ADMIN_EMAIL);
    await page.getByTestId('login-password').fill(ADMIN_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${baseUrl}/`);
    await realtimeStatus('connected', 'socketio');
    const ownChannel = userChannel(1);
    const gateway = t.app.get(EchoGateway);
    await waitFor(
      async () => (await gateway.server.in(ownChannel).fetchSockets()).length === 1,
      'the page on its user channel over socket.io',
    );
    // The page must not reload: a marker set now has to survive both switches.
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));

    await switchTo({
      driver: 'pusher',
      pusher: {
        app_id: PUSHER_APP.appId,
        app_key: PUSHER_APP.key,
        app_secret: PUSHER_APP.secret,
        host: pusher.host,
        port: pusher.port,
        scheme: 'http',
      },
    });
    await realtimeStatus('connected', 'pusher');
    // Signed by /broadcasting/auth with the page's session cookie.
    await waitFor(() => pusher.subscribers(ownChannel).length === 1, 'the page on Pusher');
    expect((await gateway.server.in(ownChannel).fetchSockets()).length).toBe(0);

    await switchTo({ driver: 'socketio' });
    await realtimeStatus('connected', 'socketio');
    await waitFor(() => pusher.subscribers(ownChannel).length === 0, 'the page to leave Pusher');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(
      42,
    );
    await expect(page.getByTestId('realtime-lost').count()).resolves.toBe(0);
  });

  it('shows a banner while the realtime connection is lost, and recovers by itself', async () => {
    const gateway = t.app.get(EchoGateway);
    for (const socket of gateway.server.of('/').sockets.values()) socket.conn.close();
    await page.getByTestId('realtime-lost').waitFor({ timeout: 10_000 });
    await realtimeStatus('connected', 'socketio');
    await page.getByTestId('realtime-lost').waitFor({ state: 'detached', timeout: 10_000 });
  });
});
