// `npm run bench:admin`: the admin SPA's weight and speed. The production bundle's first-load JS
// and CSS (gzip), then, in Chromium against the real server on the embedded default (SQLite) fed by
// signed Meta webhooks: time to interactive of the inbox with 500 conversations and a 200-message
// thread, and the time from a Meta webhook sent to its message painted in the open thread.
import 'reflect-metadata';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FakeMetaGraphApi } from '../libs/testing/src/fake-meta-graph/fake-meta-graph';
import { startAppServer } from './app-server-process';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The built SPA: apps/admin/dist, or BENCH_ADMIN_DIST (e.g. a build of another checkout). */
const DIST = process.env.BENCH_ADMIN_DIST ?? resolve(__dirname, '../../apps/admin/dist');
const PASSWORD = 'admin-bench-password';
const APP_SECRET = 'admin-bench-app-secret';
const PHONE_NUMBER_ID = '106540352200001';

const CONVERSATIONS = 500;
const THREAD_MESSAGES = 200;
const TTI_RUNS = 5;
const PAINT_MESSAGES = 20;
const PAINT_WARMUP = 2;

/** The targets. */
const TARGET_FIRST_LOAD_JS_KB = 250;
const TARGET_TTI_MS = 1500;
const TARGET_PAINT_MS = 1000;

const log = (message: string) => process.stderr.write(`[bench:admin] ${message}\n`);
const kb = (bytes: number) => bytes / 1000;
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const wallClock = () => performance.timeOrigin + performance.now();

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

interface Asset {
  file: string;
  kind: 'js' | 'css';
  raw: number;
  gzip: number;
}

/** What index.html makes the browser fetch before the app runs: entry, preloads, stylesheets. */
function firstLoadAssets(): Asset[] {
  const html = readFileSync(join(DIST, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g),
    ...html.matchAll(/<link[^>]*rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g),
  ].map((match) => match[1]!);
  return [...new Set(refs)].map((ref) => {
    const body = readFileSync(join(DIST, ref.replace(/^\//, '')));
    return {
      file: ref,
      kind: ref.endsWith('.css') ? 'css' : 'js',
      raw: body.length,
      gzip: gzipSync(body, { level: 9 }).length,
    };
  });
}

async function startServer(
  dataDir: string,
  metaOrigin: string,
): Promise<{ url: string; adminEmail: string; server: ChildProcess }> {
  const started = await startAppServer({
    DATABASE_URL: `sqlite:${join(dataDir, 'switchboard.sqlite')}`,
    ENCRYPTION_KEY: 'b'.repeat(64),
    ADMIN_PASSWORD: PASSWORD,
    META_GRAPH_URL: metaOrigin,
    ADMIN_DIST_DIR: DIST,
  });
  return { url: started.url, adminEmail: started.adminEmail, server: started.process };
}

async function api<T>(
  base: string,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: {
      'content-type': 'application/json',
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
    },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface WebhookJson {
  entry: Array<{ changes: Array<{ value: { contacts?: unknown[]; messages?: unknown[] } }> }>;
}

/** Builds one signed delivery of several customers' messages, as Meta batches them. */
function delivery(
  meta: FakeMetaGraphApi,
  messages: Array<{ from: string; name: string; text: string; at: number }>,
): string {
  const contacts: unknown[] = [];
  const raw: unknown[] = [];
  for (const message of messages) {
    const built = meta.inboundWebhook({ phoneNumberId: PHONE_NUMBER_ID, ...message });
    const value = (JSON.parse(built.body) as WebhookJson).entry[0]!.changes[0]!.value;
    contacts.push(...value.contacts!);
    raw.push(...value.messages!);
  }
  return meta.webhookBody(PHONE_NUMBER_ID, {
    contacts: contacts as never,
    messages: raw as never,
  });
}

async function deliver(meta: FakeMetaGraphApi, url: string, body: string): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': meta.sign(body) },
    body,
  });
  if (response.status !== 200)
    throw new Error(`webhook answered ${response.status}: ${await response.text()}`);
}

const THREAD_FROM = '6281300000000';
const customer = (i: number) => ({
  from: `62812${String(i).padStart(8, '0')}`,
  name: `Pelanggan ${i}`,
});

/** 499 customers with one message each and one with a 200-message thread, newest last. */
async function seed(meta: FakeMetaGraphApi, webhookUrl: string): Promise<void> {
  const now = Date.now();
  const others = Array.from({ length: CONVERSATIONS - 1 }, (_, i) => ({
    ...customer(i),
    text: `Halo, saya pelanggan ${i}`,
    at: now - 3_600_000 - i * 60_000,
  }));
  const thread = Array.from({ length: THREAD_MESSAGES }, (_, i) => ({
    from: THREAD_FROM,
    name: 'Budi Santoso',
    text: `Pesan ${i + 1} dari ${THREAD_MESSAGES}`,
    at: now - (THREAD_MESSAGES - i) * 1000,
  }));
  const all = [...others, ...thread];
  for (let i = 0; i < all.length; i += 50) {
    await deliver(meta, webhookUrl, delivery(meta, all.slice(i, i + 50)));
  }
}

// In-page code, as source text: this project compiles without the DOM library.
/** performance.now() (ms since navigation) once the login form can be used, else false. */
const LOGIN_READY = `(() => {
  const submit = document.querySelector('[data-testid="login-submit"]');
  return submit && !submit.disabled ? performance.now() : false;
})()`;

/**
 * performance.now() once the conversation list has rows, the thread's newest message (`text`) is
 * inside the thread's visible box and the composer takes input; else false.
 */
const INBOX_READY = (text: string) => `(() => {
  const rows = document.querySelectorAll('[data-testid="conversation"]').length;
  const input = document.querySelector('[data-testid="composer-input"]');
  const list = document.querySelector('[data-testid="thread-messages"]');
  const last = [...document.querySelectorAll('[data-testid="message-body"]')].find((body) =>
    body.textContent.includes(${JSON.stringify(text)}),
  );
  if (!rows || !input || input.disabled || !list || !last) return false;
  const box = last.getBoundingClientRect();
  const frame = list.getBoundingClientRect();
  const visible = box.height > 0 && box.bottom <= frame.bottom + 1 && box.top >= frame.top - 1;
  return visible ? performance.now() : false;
})()`;

/**
 * Arms a MutationObserver for a message text: `window.painted` resolves with the wall-clock time
 * of the frame that first shows it (rAF runs just before that frame is painted).
 */
const ARM_PAINT = (text: string) => `(() => {
  const text = ${JSON.stringify(text)};
  window.painted = new Promise((done) => {
    const shown = () =>
      [...document.querySelectorAll('[data-testid="message-body"]')].some((body) =>
        body.textContent.includes(text),
      );
    const painted = () =>
      requestAnimationFrame(() => done(performance.timeOrigin + performance.now()));
    if (shown()) return painted();
    const observer = new MutationObserver(() => {
      if (!shown()) return;
      observer.disconnect();
      painted();
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
  });
})()`;

/** Where a page that never became ready is saved, to see why. */
const FAILURE_SHOT = resolve(__dirname, '../../var/bench-admin-timeout.png');

async function timeUntil(page: Page, script: string): Promise<number> {
  try {
    const handle = await page.waitForFunction(script, undefined, {
      polling: 'raf',
      timeout: 30_000,
    });
    return (await handle.jsonValue()) as number;
  } catch (error) {
    await page.screenshot({ path: FAILURE_SHOT, fullPage: true }).catch(() => undefined);
    log(`not ready after 30 s at ${page.url()}; the page is in ${FAILURE_SHOT}`);
    throw error;
  }
}

async function main(): Promise<void> {
  const assets = firstLoadAssets();
  const js = assets.filter((a) => a.kind === 'js');
  const css = assets.filter((a) => a.kind === 'css');
  const sum = (list: Asset[], key: 'raw' | 'gzip') => list.reduce((n, a) => n + a[key], 0);

  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-admin-'));
  const meta = new FakeMetaGraphApi({ appSecret: APP_SECRET });
  meta.addPhoneNumber({
    phoneNumberId: PHONE_NUMBER_ID,
    wabaId: '102290129300001',
    displayPhoneNumber: '+1 555-010-0001',
    verifiedName: 'Toko Bench',
    accessToken: 'EAAadminbench',
  });
  await meta.start();
  let server: ChildProcess | null = null;
  let browser: Browser | null = null;
  try {
    const started = await startServer(dataDir, meta.origin);
    server = started.server;
    const base = started.url;
    const login = await api<{ token: string }>(base, '/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: started.adminEmail, password: PASSWORD }),
    });
    const number = await api<{ uuid: string }>(base, '/api/sessions', {
      method: 'POST',
      token: login.token,
      body: JSON.stringify({
        provider_type: 'meta',
        meta: {
          access_token: 'EAAadminbench',
          phone_number_id: PHONE_NUMBER_ID,
          waba_id: '102290129300001',
          app_secret: APP_SECRET,
        },
      }),
    });
    const workspace = await api<{ identifier: string }>(base, '/api/workspaces/current', {
      token: login.token,
    });
    const webhookUrl = `${base}/webhook/whatsapp/${workspace.identifier}`;
    log(
      `seeding ${CONVERSATIONS} conversations and a ${THREAD_MESSAGES}-message thread through Meta webhooks`,
    );
    await seed(meta, webhookUrl);
    const found = await api<{ data: Array<{ contact: { uuid: string; phone: string | null } }> }>(
      base,
      `/api/conversations?search=${encodeURIComponent('Budi Santoso')}`,
      { token: login.token },
    );
    const contactUuid = found.data[0]!.contact.uuid;
    const threadUrl = `${base}/chats/${contactUuid}/${number.uuid}`;
    const lastText = `Pesan ${THREAD_MESSAGES} dari ${THREAD_MESSAGES}`;

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });

    // Baseline: the same SPA booting to its login form, no data.
    const loginTimes: number[] = [];
    for (let run = 0; run < TTI_RUNS; run += 1) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${base}/login`, { waitUntil: 'commit' });
      loginTimes.push(await timeUntil(page, LOGIN_READY));
      await context.close();
    }

    log('inbox time to interactive');
    const context: BrowserContext = await browser.newContext({
      viewport: { width: 1280, height: 800 },
    });
    const signIn = await context.request.post(`${base}/api/auth/login`, {
      data: { email: started.adminEmail, password: PASSWORD },
    });
    if (!signIn.ok()) throw new Error(`browser sign-in: ${signIn.status()}`);
    const coldAndWarm: number[] = [];
    let page: Page | null = null;
    for (let run = 0; run < TTI_RUNS; run += 1) {
      await page?.close();
      page = await context.newPage();
      await page.goto(threadUrl, { waitUntil: 'commit' });
      coldAndWarm.push(await timeUntil(page, INBOX_READY(lastText)));
    }
    const rows = await page!.locator('[data-testid="conversation"]').count();
    const messages = await page!.locator('[data-testid="message"]').count();

    log(`webhook → painted, ${PAINT_MESSAGES} messages`);
    const paint: number[] = [];
    const ack: number[] = [];
    for (let i = 0; i < PAINT_WARMUP + PAINT_MESSAGES; i += 1) {
      const text = `Baru ${i}: apakah pesanan saya sudah dikirim?`;
      await page!.evaluate(ARM_PAINT(text));
      const body = delivery(meta, [
        { from: THREAD_FROM, name: 'Budi Santoso', text, at: Date.now() },
      ]);
      const sentAt = wallClock();
      await deliver(meta, webhookUrl, body);
      const ackedAt = wallClock();
      const paintedAt = await page!.evaluate<number>('window.painted');
      if (i < PAINT_WARMUP) continue;
      paint.push(paintedAt - sentAt);
      ack.push(ackedAt - sentAt);
    }

    const [cold, ...warm] = coldAndWarm;
    const firstLoadJsKb = kb(sum(js, 'gzip'));
    const ttiP50 = percentile(warm, 50);
    const paintP50 = percentile(paint, 50);
    const paintP95 = percentile(paint, 95);
    const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

    console.log(
      `\nAdmin SPA: ${CONVERSATIONS} conversations, a ${THREAD_MESSAGES}-message thread (${rows} rows and ${messages} messages rendered)`,
    );
    console.log(
      `load average ${loadavg()
        .map((n) => n.toFixed(2))
        .join(' ')}\n`,
    );
    console.log('Production bundle, first load (apps/admin/dist, gzip -9)');
    console.table(
      assets.map((a) => ({
        file: a.file,
        raw_kB: round(kb(a.raw), 1),
        gzip_kB: round(kb(a.gzip), 1),
      })),
    );
    console.table([
      {
        figure: 'first-load JS (gzip)',
        value: `${round(firstLoadJsKb, 1)} kB`,
        target: `≤ ${TARGET_FIRST_LOAD_JS_KB} kB`,
        result: verdict(firstLoadJsKb <= TARGET_FIRST_LOAD_JS_KB),
      },
      {
        figure: 'first-load CSS (gzip)',
        value: `${round(kb(sum(css, 'gzip')), 1)} kB`,
        target: '',
        result: '',
      },
      {
        figure: 'baseline: login form interactive, p50',
        value: `${round(percentile(loginTimes, 50))} ms`,
        target: '',
        result: '',
      },
      {
        figure: 'inbox + thread interactive, first load',
        value: `${round(cold!)} ms`,
        target: '',
        result: '',
      },
      {
        figure: `inbox + thread interactive, p50 of ${warm.length} (cached assets)`,
        value: `${round(ttiP50)} ms (max ${round(Math.max(...warm))})`,
        target: `≤ ${TARGET_TTI_MS} ms`,
        result: verdict(Math.max(cold!, ttiP50) <= TARGET_TTI_MS),
      },
      {
        figure: 'baseline: webhook answered 200, p50 / p95',
        value: `${round(percentile(ack, 50))} / ${round(percentile(ack, 95))} ms`,
        target: '',
        result: '',
      },
      {
        figure: `webhook sent → painted in the thread, p50 / p95 of ${paint.length}`,
        value: `${round(paintP50)} / ${round(paintP95)} ms`,
        target: `≤ ${TARGET_PAINT_MS} ms`,
        result: verdict(paintP95 <= TARGET_PAINT_MS),
      },
    ]);
  } finally {
    await browser?.close();
    if (server?.connected) server.disconnect();
    await meta.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
