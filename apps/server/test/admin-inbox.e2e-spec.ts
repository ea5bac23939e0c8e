import { existsSync } from 'node:fs';
import type { WhatsappSessionDetailView } from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { artifactsDir, CHROMIUM, screenshotter } from './admin-numbers-kit';
import { seedRealtimeWorld, type RealtimeWorld } from './realtime-test-kit';
import {
  bearer,
  sessionRow,
  startSessionsWorld,
  subscribeToPlan,
  type SessionsWorld,
} from './sessions-test-kit';

const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM))
  console.warn(`admin inbox browser tests skipped: no ${CHROMIUM} (apt-get install chromium)`);

/** Engine round trips and page updates on a loaded 2-core machine. */
const WAIT_MS = 30_000;
const MEMBER_PASSWORD = 'member-password';
const FIRST_PHONE = '6281200000001';
const SECOND_PHONE = '6281200000002';
const CUSTOMER = '6281377770001';

jest.setTimeout(180_000);

interface LinkedNumber {
  uuid: string;
  sessionId: string;
}

/**
 * An agent works the inbox in the browser against the real server, a real engine on the fast fake
 * WhatsApp client and the built SPA: a customer's message shows up live in the list and the
 * thread, the reply leaves from the number the customer wrote to and its ticks reach "read", a
 * number going down turns the composer to failover, and another workspace sees none of it.
 * Screenshots of each step go to the artifacts folder.
 */
describeWithBrowser('admin SPA: inbox', () => {
  let w: SessionsWorld;
  let world: RealtimeWorld;
  let browser: Browser;
  let page: Page;
  let first: LinkedNumber;
  let second: LinkedNumber;
  let contactUuid: string;
  const shot = screenshotter(artifactsDir('admin-inbox'));

  beforeAll(async () => {
    w = await startSessionsWorld();
    world = await seedRealtimeWorld(w.t);
    await subscribeToPlan(w.t, world.workspaceA, 5);
    first = await linkWebjs(FIRST_PHONE);
    second = await linkWebjs(SECOND_PHONE);
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

  const ownerA = () => bearer(world.ownerA.token);

  async function show(uuid: string): Promise<WhatsappSessionDetailView> {
    return (await w.t.http().get(`/api/sessions/${uuid}`).set(ownerA()).expect(200))
      .body as WhatsappSessionDetailView;
  }

  async function linkWebjs(phone: string): Promise<LinkedNumber> {
    const created = (
      await w.t
        .http()
        .post('/api/sessions')
        .set(ownerA())
        .send({ provider_type: 'webjs' })
        .expect(201)
    ).body as WhatsappSessionDetailView;
    const sessionId = (await sessionRow(w.t, created.uuid))!.sessionId;
    await waitFor(async () => (await show(created.uuid)).qr_code !== null, 'the QR', WAIT_MS);
    w.clients.latest(sessionId).link(phone);
    await waitFor(
      async () => (await show(created.uuid)).status === 'connected',
      `${phone} to connect`,
      WAIT_MS,
    );
    return { uuid: created.uuid, sessionId };
  }

  async function signIn(target: Page, email: string, path: string): Promise<void> {
    await target.goto(`${w.serverUrl}${path}`);
    await target.waitForURL(/\/login/);
    await target.getByTestId('login-email').fill(email);
    await target.getByTestId('login-password').fill(MEMBER_PASSWORD);
    await target.getByTestId('login-submit').click();
    await target.waitForURL(`${w.serverUrl}${path}`);
    await target
      .locator('[data-testid="realtime-status"][data-state="connected"]')
      .waitFor({ timeout: WAIT_MS });
  }

  const conversation = (contact: string) =>
    page.locator(`[data-testid="conversation"][data-contact-uuid="${contact}"]`);
  const messages = () => page.getByTestId('message');

  it('signs the agent in to an empty inbox, online in the workspace’s presence', async () => {
    await signIn(page, 'agent-a@example.com', '/chats');
    await page.getByTestId('conversations-empty').waitFor();
    await expectText(page.getByTestId('agents-online-count'), '1 agent online');
    await expectText(page.getByTestId('number-option'), '+62 812-0000-0001');
    await shot(page, 'empty-inbox');
  });

  it('shows a customer’s new message in the list and, once opened, in the thread — live, no reload', async () => {
    await page.evaluate(() => ((globalThis as { marker?: number }).marker = 7));
    w.clients.latest(first.sessionId).receive({
      from: `${CUSTOMER}@c.us`,
      body: 'Hi, is the blue kebaya still available?',
    });

    const row = page.getByTestId('conversation').first();
    await row.waitFor({ timeout: WAIT_MS });
    contactUuid = (await row.getAttribute('data-contact-uuid'))!;
    expect(await row.getAttribute('data-session-uuid')).toBe(first.uuid);
    await expectText(row.getByTestId('conversation-number'), '+62 812-0000-0001');
    await expectText(
      row.getByTestId('conversation-preview'),
      'Hi, is the blue kebaya still available?',
    );
    await expectText(row.getByTestId('conversation-unread'), /1/);
    await expectText(page.getByTestId('number-option-all'), 'All numbers (1 unread)');
    await shot(page, 'new-conversation-live');

    await row.click();
    await page.waitForURL(`${w.serverUrl}/chats/${contactUuid}/${first.uuid}`);
    await expectText(page.getByTestId('message-body'), 'Hi, is the blue kebaya still available?');
    await expectText(page.getByTestId('composer-from'), 'Replying from +62 812-0000-0001');
    // Opening it marks it read.
    await page
      .locator(`[data-testid="conversation"][data-contact-uuid="${contactUuid}"][data-unread="0"]`)
      .waitFor({ timeout: WAIT_MS });
    await waitFor(
      async () => (await unreadOn(first.uuid)) === 0,
      'the read on the server',
      WAIT_MS,
    );

    // The next message lands in the open thread as it arrives.
    w.clients.latest(first.sessionId).receive({ from: `${CUSTOMER}@c.us`, body: 'Size M please.' });
    await page
      .locator('[data-testid="message"][data-direction="inbound"]')
      .filter({ hasText: 'Size M please.' })
      .waitFor({ timeout: WAIT_MS });
    expect(await messages().count()).toBe(2);
    expect(await page.evaluate(() => (globalThis as { marker?: number }).marker)).toBe(7);
    await shot(page, 'thread-live');
  });

  it('shows the customer’s photo in the open thread, fetched from the phone through the engine', async () => {
    // A 1×1 PNG: small, and a real image the browser must decode.
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    w.clients.latest(first.sessionId).receive({
      from: `${CUSTOMER}@c.us`,
      media: { mimetype: 'image/png', data: png, filename: 'kebaya.png' },
    });
    const image = page.getByTestId('message-media-image');
    await image.waitFor({ timeout: WAIT_MS });
    await waitFor(
      () =>
        image.evaluate(
          (img) =>
            (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth === 1,
        ),
      'the photo to load in the page',
      WAIT_MS,
    );
    await shot(page, 'thread-photo');
  });

  it('sends the reply from the number the customer wrote to, and its ticks move to read', async () => {
    const text = 'Yes! Size M is in stock, shall I reserve it?';
    await page.getByTestId('composer-input').fill(text);
    await page.getByTestId('composer-send').click();

    const reply = page.locator('[data-testid="message"][data-direction="outbound"]').filter({
      hasText: text,
    });
    await reply.waitFor({ timeout: WAIT_MS });
    await expect(page.getByTestId('composer-input').inputValue()).resolves.toBe('');
    await waitFor(
      () => w.clients.latest(first.sessionId).sent.some((s) => s.content === text),
      'the number the customer wrote to to send the reply',
      WAIT_MS,
    );
    const sent = w.clients.latest(first.sessionId).sent.find((s) => s.content === text)!;
    expect(sent.chatId).toBe(`${CUSTOMER}@c.us`);
    expect(w.clients.latest(second.sessionId).sent).toEqual([]);
    await reply.locator('[data-testid="message-status"][data-status="sent"]').waitFor({
      timeout: WAIT_MS,
    });
    await shot(page, 'reply-sent');

    w.clients.latest(first.sessionId).ack(sent.message, 2);
    await reply.locator('[data-testid="message-status"][data-status="delivered"]').waitFor({
      timeout: WAIT_MS,
    });
    w.clients.latest(first.sessionId).ack(sent.message, 3);
    await reply.locator('[data-testid="message-status"][data-status="read"]').waitFor({
      timeout: WAIT_MS,
    });
    await expectText(conversation(contactUuid).getByTestId('conversation-preview'), `You: ${text}`);
    await shot(page, 'reply-read');
  });

  it('turns the composer to failover when the number goes down, and another number carries the reply', async () => {
    w.clients.latest(first.sessionId).phoneLogout();
    const warning = page.getByTestId('composer-number-down');
    await warning.waitFor({ timeout: WAIT_MS });
    await expectText(warning, /\+62 812-0000-0001 is not connected/);
    await shot(page, 'number-down');

    const text = 'Reserved for you until Friday.';
    await page.getByTestId('composer-input').fill(text);
    await page.getByTestId('composer-send').click();
    await waitFor(
      () => w.clients.latest(second.sessionId).sent.some((s) => s.content === text),
      'the other number to carry the reply',
      WAIT_MS,
    );
    await page
      .locator('[data-testid="message"][data-direction="outbound"]')
      .filter({ hasText: text })
      .locator('[data-testid="message-status"][data-status="sent"]')
      .waitFor({ timeout: WAIT_MS });
    await shot(page, 'failover-sent');
  });

  it('shows one pane at a time on a phone-sized screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await expect(page.getByTestId('thread').isVisible()).resolves.toBe(true);
    await expect(page.getByTestId('conversation-list').isVisible()).resolves.toBe(false);
    await shot(page, 'phone-thread');
    await page.getByTestId('thread-back').click();
    await page.waitForURL(`${w.serverUrl}/chats`);
    await page.getByTestId('conversation-list').waitFor({ state: 'visible' });
    await expect(page.getByTestId('thread').isVisible()).resolves.toBe(false);
    await shot(page, 'phone-list');
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('shows an agent of another workspace nothing, also when they type the URL', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    try {
      const other = await context.newPage();
      await signIn(other, 'owner-b@example.com', '/chats');
      await other.getByTestId('conversations-empty').waitFor();

      // A's customer writes again, to A's other number: A's list shows it live, B's stays empty.
      w.clients.latest(second.sessionId).receive({ from: `${CUSTOMER}@c.us`, body: 'Thank you!' });
      await expectText(
        page
          .locator(`[data-testid="conversation"][data-session-uuid="${second.uuid}"]`)
          .getByTestId('conversation-preview'),
        'Thank you!',
      );
      await shot(page, 'other-number-live');
      expect(await other.getByTestId('conversation').count()).toBe(0);
      expect(await other.locator('body').innerText()).not.toContain('Thank you!');

      await other.goto(`${w.serverUrl}/chats/${contactUuid}/${first.uuid}`);
      await other.getByTestId('thread-not-found').waitFor({ timeout: WAIT_MS });
      expect(await other.getByTestId('message').count()).toBe(0);
      expect(await other.getByTestId('composer').count()).toBe(0);
      await shot(other, 'other-workspace-typed-url');
    } finally {
      await context.close();
    }
  });

  it('renders the inbox in Bahasa Indonesia with no untranslated key', async () => {
    await page.goto(`${w.serverUrl}/chats/${contactUuid}/${first.uuid}`);
    await page.getByTestId('composer').waitFor({ timeout: WAIT_MS });
    await page.getByTestId('locale-switcher').selectOption('id');
    await expectText(page.locator('h1'), 'Kotak masuk');
    await expectText(page.getByTestId('composer-number-down'), /tidak terhubung/);
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(
      /\b(inbox|composer|agents|messageStatus|mediaType|whatsappError|sessionStatus)\.\w+/,
    );
    await shot(page, 'bahasa-indonesia');
  });

  async function unreadOn(numberUuid: string): Promise<number> {
    const res = await w.t
      .http()
      .get('/api/conversations/unread')
      .set(bearer(world.agentA.token))
      .expect(200);
    const rows = res.body as { session_uuid: string; unread: number }[];
    return rows.find((r) => r.session_uuid === numberUuid)?.unread ?? -1;
  }
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
