import { existsSync } from 'node:fs';
import {
  RealtimeEvent,
  workspaceChannel,
  type WhatsappSessionDetailView,
} from '@switchboard/contracts';
import { FakePusherService, waitFor } from '@switchboard/testing';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { artifactsDir, CHROMIUM, screenshotter } from './admin-numbers-kit';
import { seedRealtimeWorld, type RealtimeWorld } from './realtime-test-kit';
import {
  bearer,
  sessionRow,
  startSessionsWorld,
  subscribeToPlan,
  type SessionsWorld,
} from './sessions-test-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD, loginToken } from './test-app';

const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`admin platform browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

/** Engine round trips and page updates on a loaded 2-core machine. */
const WAIT_MS = 30_000;
const MEMBER_PASSWORD = 'member-password';
const NUMBER = '6281200000009';
const CUSTOMER = '6281377770009';
const PUSHER_APP = { appId: '7070', key: 'platform-key', secret: 'platform-secret-value' };

jest.setTimeout(240_000);

/**
 * The platform admin pages in the browser against the real server, a real engine on the fast fake
 * WhatsApp client, the fake Pusher service and the built SPA: the broadcast driver is tested and
 * switched to Pusher and back while an agent's inbox stays open in another browser, which keeps
 * receiving customers' messages live; every number, plans and health across workspaces; and a
 * workspace owner who is no platform admin neither sees those pages nor gets their data by URL.
 * Screenshots go to the artifacts folder.
 */
describeWithBrowser('admin SPA: platform admin pages', () => {
  let w: SessionsWorld;
  let world: RealtimeWorld;
  let pusher: FakePusherService;
  let browser: Browser;
  let adminContext: BrowserContext;
  let agentContext: BrowserContext;
  let admin: Page;
  let inbox: Page;
  let numberUuid: string;
  let sessionId: string;
  const shot = screenshotter(artifactsDir('admin-platform'));

  beforeAll(async () => {
    pusher = new FakePusherService(PUSHER_APP);
    await pusher.start();
    w = await startSessionsWorld();
    world = await seedRealtimeWorld(w.t);
    await subscribeToPlan(w.t, world.workspaceA, 5);
    ({ uuid: numberUuid, sessionId } = await linkWebjs(NUMBER));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
    });
    adminContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    agentContext = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    admin = await adminContext.newPage();
    inbox = await agentContext.newPage();
  });

  afterAll(async () => {
    // Back to the default driver, so nothing outlives the fake Pusher.
    if (w) {
      const token = await loginToken(w.t, ADMIN_EMAIL, ADMIN_PASSWORD);
      await w.t
        .http()
        .put('/api/admin/settings/broadcast')
        .set(bearer(token))
        .send({ driver: 'socketio' });
    }
    await browser?.close();
    await w?.close();
    await pusher?.stop();
  });

  const ownerA = () => bearer(world.ownerA.token);

  async function show(uuid: string): Promise<WhatsappSessionDetailView> {
    return (await w.t.http().get(`/api/sessions/${uuid}`).set(ownerA()).expect(200))
      .body as WhatsappSessionDetailView;
  }

  async function linkWebjs(phone: string): Promise<{ uuid: string; sessionId: string }> {
    const created = (
      await w.t
        .http()
        .post('/api/sessions')
        .set(ownerA())
        .send({ provider_type: 'webjs' })
        .expect(201)
    ).body as WhatsappSessionDetailView;
    const id = (await sessionRow(w.t, created.uuid))!.sessionId;
    await waitFor(async () => (await show(created.uuid)).qr_code !== null, 'the QR', WAIT_MS);
    w.clients.latest(id).link(phone);
    await waitFor(
      async () => (await show(created.uuid)).status === 'connected',
      `${phone} to connect`,
      WAIT_MS,
    );
    return { uuid: created.uuid, sessionId: id };
  }

  async function signIn(target: Page, email: string, password: string, path: string) {
    await target.goto(`${w.serverUrl}${path}`);
    await target.waitForURL(/\/login/);
    await target.getByTestId('login-email').fill(email);
    await target.getByTestId('login-password').fill(password);
    await target.getByTestId('login-submit').click();
    await target.waitForURL(`${w.serverUrl}${path}`);
    await onDriver(target, null);
  }

  /** Waits for the page's realtime connection to be up (on `driver`, when given). */
  async function onDriver(target: Page, driver: 'socketio' | 'pusher' | null): Promise<void> {
    const driverAttr = driver ? `[data-driver="${driver}"]` : '';
    await target
      .locator(`[data-testid="realtime-status"][data-state="connected"]${driverAttr}`)
      .waitFor({ timeout: WAIT_MS });
  }

  /** A customer writes; the open inbox must show it without a reload. */
  async function customerWrites(body: string): Promise<void> {
    w.clients.latest(sessionId).receive({ from: `${CUSTOMER}@c.us`, body });
    await inbox
      .getByTestId('conversation-preview')
      .filter({ hasText: body })
      .waitFor({ timeout: WAIT_MS });
  }

  it('signs in a platform admin, who gets the Platform pages in the nav, and an agent on the inbox', async () => {
    await signIn(admin, ADMIN_EMAIL, ADMIN_PASSWORD, '/platform/broadcast');
    await signIn(inbox, 'agent-a@example.com', MEMBER_PASSWORD, '/chats');
    for (const name of ['broadcast', 'plans', 'sessions', 'health'])
      await admin.getByTestId(`nav-platform-${name}`).waitFor();
    await expectText(admin.getByTestId('broadcast-active'), 'Active now: Built-in (Socket.IO)');
    await inbox.evaluate(() => ((globalThis as { marker?: number }).marker = 42));
    await customerWrites('Hello before any switch');
    await shot(admin, 'broadcast-socketio');
  });

  it('tests Pusher keys before saving and shows the exact failure', async () => {
    await admin.getByTestId('broadcast-driver-pusher').check();
    await admin.getByTestId('broadcast-app_id').fill(PUSHER_APP.appId);
    await admin.getByTestId('broadcast-app_key').fill(PUSHER_APP.key);
    await admin.getByTestId('broadcast-app_secret').fill('not-the-secret');
    await admin.getByTestId('broadcast-host').fill(pusher.host);
    await admin.getByTestId('broadcast-port').fill(String(pusher.port));
    await admin.getByTestId('broadcast-scheme').selectOption('http');
    await admin.getByTestId('broadcast-test').click();

    const result = admin.locator('[data-testid="broadcast-test-result"][data-ok="false"]');
    await result.waitFor({ timeout: WAIT_MS });
    expect((await result.textContent())?.trim()).toMatch(
      new RegExp(
        `^Test failed \\(PUSHER_REJECTED\\): The Pusher server at http://${pusher.host}:${pusher.port} answered 401`,
      ),
    );
    // Nothing was saved: every page is still on socket.io.
    await onDriver(inbox, 'socketio');
    await shot(admin, 'broadcast-test-failed');

    await admin.getByTestId('broadcast-app_secret').fill(PUSHER_APP.secret);
    await admin.getByTestId('broadcast-test').click();
    await admin
      .locator('[data-testid="broadcast-test-result"][data-ok="true"]')
      .waitFor({ timeout: WAIT_MS });
    await shot(admin, 'broadcast-test-ok');
  });

  it('switches every open page to Pusher on save; the next customer message still arrives live', async () => {
    await admin.getByTestId('broadcast-save').click();
    await expectText(
      admin.getByTestId('broadcast-notice').locator('span').first(),
      'Saved. Every open page now uses Pusher-compatible (Pusher, Reverb, soketi).',
    );
    await onDriver(inbox, 'pusher');
    await onDriver(admin, 'pusher');
    await waitFor(
      () => pusher.subscribers(workspaceChannel(world.workspaceA)).length >= 1,
      'the inbox subscribed on the Pusher service',
      WAIT_MS,
    );

    await customerWrites('Sent while on Pusher');
    expect(
      pusher.publishedEvents.some(
        (e) =>
          e.name === RealtimeEvent.MESSAGE_RECEIVED &&
          e.channel === workspaceChannel(world.workspaceA),
      ),
    ).toBe(true);
    // No reload: the page's own state survived the switch.
    expect(await inbox.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(42);
    await expectText(
      admin.getByTestId('broadcast-secret-state'),
      'A secret is stored. Leave empty to keep it.',
    );
    expect(await admin.getByTestId('broadcast-app_secret').inputValue()).toBe('');
    await shot(admin, 'broadcast-pusher-saved');
    await shot(inbox, 'inbox-live-on-pusher');
  });

  it('switches back to the built-in driver the same way, and the inbox stays live', async () => {
    const published = pusher.publishedEvents.length;
    await admin.getByTestId('broadcast-driver-socketio').check();
    await admin.getByTestId('broadcast-save').click();
    await onDriver(inbox, 'socketio');
    await onDriver(admin, 'socketio');

    await customerWrites('Sent after switching back');
    expect(
      pusher.publishedEvents
        .slice(published)
        .filter((e) => e.name === RealtimeEvent.MESSAGE_RECEIVED),
    ).toEqual([]);
    expect(await inbox.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(42);
    await shot(inbox, 'inbox-live-back-on-socketio');
  });

  it('shows every workspace’s numbers with status and engine, live as a number drops', async () => {
    await admin.getByTestId('nav-platform-sessions').click();
    const row = admin.locator(
      `[data-testid="all-sessions-row"][data-session-uuid="${numberUuid}"]`,
    );
    await row.waitFor({ timeout: WAIT_MS });
    await expectText(row.getByTestId('all-sessions-workspace'), 'Acme');
    await expectText(row.getByTestId('all-sessions-phone'), '+62 812-0000-0009');
    await expectText(row.getByTestId('all-sessions-engine'), 'engine-sessions');
    expect(await row.getAttribute('data-status')).toBe('connected');
    await shot(admin, 'all-sessions');

    w.clients.latest(sessionId).phoneLogout();
    await admin
      .locator(
        `[data-testid="all-sessions-row"][data-session-uuid="${numberUuid}"][data-status="disconnected"]`,
      )
      .waitFor({ timeout: WAIT_MS });
    await shot(admin, 'all-sessions-number-dropped');
  });

  it('reports health across workspaces, and edits a plan’s number limit', async () => {
    await admin.getByTestId('nav-platform-health').click();
    await expectText(admin.getByTestId('health-messages-total'), '3');
    await expectText(
      admin
        .locator('[data-testid="health-status"][data-status="disconnected"]')
        .getByTestId('health-status-count'),
      '1',
    );
    await admin.locator('[data-testid="health-queue"][data-queue="sends"]').waitFor();
    await admin.getByTestId('health-engine-up').waitFor();
    await expectText(admin.getByTestId('health-engine-sessions'), /of \d+ \(max \d+\)/);
    // The engine announced itself to the registry: it is listed, live, with its load.
    const node = admin.locator(
      '[data-testid="health-engine-row"][data-engine-id="engine-sessions"][data-live="true"]',
    );
    await node.waitFor({ timeout: WAIT_MS });
    await expectText(node.getByTestId('health-engine-row-sessions'), /^\d+ of \d+$/);
    await shot(admin, 'health');

    await admin.getByTestId('nav-platform-plans').click();
    const plan = admin.getByTestId('plan-row').filter({ hasText: 'Plan 5' });
    await plan.getByTestId('plan-limit').fill('8');
    await plan.getByTestId('plan-save').click();
    await expectText(
      admin.getByTestId('plans-notice').locator('span').first(),
      'Plan 5 now allows 8 WhatsApp numbers.',
    );
    const limits = await w.t.http().get('/api/sessions/limits').set(ownerA()).expect(200);
    expect(limits.body.max_allowed).toBe(8);
    await shot(admin, 'plans');
  });

  it('hides the platform pages from a workspace owner, and the server refuses them by URL', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const owner = await context.newPage();
      await signIn(owner, 'owner-a@example.com', MEMBER_PASSWORD, '/settings/whatsapp');
      await owner.getByTestId('nav-whatsapp-numbers').waitFor();
      expect(await owner.getByTestId('nav-platform-heading').count()).toBe(0);
      expect(await owner.locator('[data-testid^="nav-platform-"]').count()).toBe(0);

      for (const path of [
        '/platform/broadcast',
        '/platform/plans',
        '/platform/sessions',
        '/platform/health',
      ]) {
        await owner.goto(`${w.serverUrl}${path}`);
        await owner.waitForURL(`${w.serverUrl}/`);
      }
      await shot(owner, 'owner-sent-to-overview');

      const statuses = await owner.evaluate(async () => {
        const paths = [
          '/api/admin/settings/broadcast',
          '/api/admin/plans',
          '/api/admin/sessions',
          '/api/admin/health',
        ];
        return Promise.all(
          paths.map(async (path) => {
            const res = await fetch(path, { credentials: 'same-origin' });
            return `${path} ${res.status}`;
          }),
        );
      });
      expect(statuses).toEqual([
        '/api/admin/settings/broadcast 403',
        '/api/admin/plans 403',
        '/api/admin/sessions 403',
        '/api/admin/health 403',
      ]);
    } finally {
      await context.close();
    }
  });
});

async function expectText(locator: Locator, expected: string | RegExp): Promise<void> {
  await locator
    .filter({ hasText: expected })
    .first()
    .waitFor({ state: 'attached', timeout: WAIT_MS });
  const text = (await locator.first().textContent())?.trim() ?? '';
  if (typeof expected === 'string') expect(text).toBe(expected);
  else expect(text).toMatch(expected);
}
