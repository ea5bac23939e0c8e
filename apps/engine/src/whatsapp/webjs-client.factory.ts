import { readdir, rename, rm, symlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Client, LocalAuth, MessageMedia, type ClientOptions } from 'whatsapp-web.js';
import type { EngineConfig } from '../engine-config';
import { packProfile, SESSION_PROFILE_DIRS, unpackProfile } from '../persistence/profile-archive';
import { claimedProfile, freeProfile, WARM_POOL_DIR } from '../process/chromium-sweeper.service';
import type {
  CreateClientOptions,
  OutgoingMedia,
  WhatsAppClient,
  WhatsAppClientFactory,
} from './whatsapp-client.port';

/**
 * Client options a caller may add on top of the engine's own: a pinned `webVersion` and
 * `webVersionCache`, extra puppeteer `args`, timeouts. The login strategy stays the engine's.
 */
export interface ExtraClientOptions {
  webVersion?: string;
  webVersionCache?: ClientOptions['webVersionCache'];
  authTimeoutMs?: number;
  userAgent?: string;
  bypassCSP?: boolean;
  takeoverOnConflict?: boolean;
  takeoverTimeoutMs?: number;
  deviceName?: string;
  browserName?: string;
  /** Merged into the engine's launch options; `args` are appended to the engine's own. */
  puppeteer?: {
    args?: string[];
    executablePath?: string;
    headless?: boolean;
    timeout?: number;
    protocolTimeout?: number;
  };
}

const BASE_CHROMIUM_ARGS = [
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--no-first-run',
  // Chromium 15x preloads its WebUI omnibox popups (chrome://omnibox-popup.top-chrome/) in a
  // renderer of their own, even headless where no omnibox is ever shown: measured at 1.6 CPU-s
  // per launch plus 0.4 in the browser process, half of what a bare launch costs.
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];
const DISABLE_FEATURES = '--disable-features=';
/** Cold starts of Chromium can exceed puppeteer's 30 s default. */
const LAUNCH_TIMEOUT_MS = 90_000;

/** whatsapp-web.js in headless Chromium, one LocalAuth profile per session under the data dir. */
export class WebJsClientFactory implements WhatsAppClientFactory {
  private readonly dataDir: string;

  constructor(
    private readonly config: EngineConfig,
    private readonly extra: ExtraClientOptions = {},
    private readonly runningAsRoot = process.getuid?.() === 0,
  ) {
    this.dataDir = resolve(config.dataDir);
  }

  create(sessionId: string, options: CreateClientOptions): WhatsAppClient {
    return new Client(this.clientOptions(sessionId, options));
  }

  createWarm(poolId: string): WhatsAppClient {
    return new Client(this.clientOptions(poolId, {}, join(this.dataDir, WARM_POOL_DIR)));
  }

  /**
   * The session's profile path becomes a symlink to the pooled client's profile, which its
   * Chromium keeps using; `releaseProfile` turns it back into a plain directory once that
   * Chromium is closed, and the boot sweep does so after a crash.
   */
  async claimProfile(sessionId: string, poolId: string): Promise<void> {
    const path = this.authDir(sessionId);
    await rm(path, { recursive: true, force: true });
    await symlink(join(WARM_POOL_DIR, `session-${poolId}`), path, 'dir');
  }

  async discardWarm(poolId: string): Promise<void> {
    const dir = this.warmDir(poolId);
    await freeProfile(dir);
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }

  /** The options handed to the library; separate so the merge can be checked without Chromium. */
  clientOptions(
    sessionId: string,
    options: CreateClientOptions,
    dataPath = this.dataDir,
  ): ClientOptions {
    const { puppeteer: extraPuppeteer, ...extraRest } = this.extra;
    const args = [
      ...BASE_CHROMIUM_ARGS,
      ...(this.runningAsRoot ? ['--no-sandbox', '--disable-setuid-sandbox'] : []),
      ...(extraPuppeteer?.args ?? []),
    ];
    return {
      // The engine enforces its own QR window; the library's retry limit would race it.
      qrMaxRetries: 0,
      ...extraRest,
      authStrategy: new LocalAuth({ clientId: sessionId, dataPath }),
      puppeteer: {
        headless: true,
        executablePath: this.config.chromiumPath,
        timeout: LAUNCH_TIMEOUT_MS,
        protocolTimeout: LAUNCH_TIMEOUT_MS,
        ...extraPuppeteer,
        args: mergeDisabledFeatures([...new Set(args)]),
      },
      ...(options.pairingPhoneNumber
        ? { pairWithPhoneNumber: { phoneNumber: options.pairingPhoneNumber } }
        : {}),
    };
  }

  media(media: OutgoingMedia): unknown {
    return new MessageMedia(media.mimetype, media.base64, media.filename ?? null);
  }

  async clearAuth(sessionId: string): Promise<void> {
    const path = this.authDir(sessionId);
    const pooled = await claimedProfile(path);
    if (pooled) await rm(pooled, { recursive: true, force: true });
    await rm(path, { recursive: true, force: true });
  }

  async hasAuth(sessionId: string): Promise<boolean> {
    for (const dir of SESSION_PROFILE_DIRS) {
      const entries = await readdir(join(this.authDir(sessionId), dir)).catch(() => []);
      if (entries.length > 0) return true;
    }
    return false;
  }

  async exportAuth(sessionId: string): Promise<Buffer | null> {
    return (await this.hasAuth(sessionId)) ? packProfile(this.authDir(sessionId)) : null;
  }

  async releaseProfile(sessionId: string): Promise<void> {
    const path = this.authDir(sessionId);
    const pooled = await claimedProfile(path);
    if (!pooled) {
      await freeProfile(path);
      return;
    }
    // The pooled Chromium ran on the pool's path: free that one, then move it home.
    await freeProfile(pooled);
    await rm(path, { force: true });
    await rename(pooled, path);
  }

  async importAuth(sessionId: string, archive: Buffer): Promise<void> {
    await unpackProfile(archive, this.authDir(sessionId));
  }

  /** LocalAuth's profile directory for a session (`<dataPath>/session-<clientId>`). */
  authDir(sessionId: string): string {
    return join(this.dataDir, `session-${sessionId}`);
  }

  warmDir(poolId: string): string {
    return join(this.dataDir, WARM_POOL_DIR, `session-${poolId}`);
  }
}

/**
 * One `--disable-features` with every feature the args name: Chromium reads only the last one,
 * so the engine's list and a caller's would otherwise replace each other.
 */
function mergeDisabledFeatures(args: string[]): string[] {
  const features = args
    .filter((arg) => arg.startsWith(DISABLE_FEATURES))
    .flatMap((arg) => arg.slice(DISABLE_FEATURES.length).split(','))
    .filter(Boolean);
  const rest = args.filter((arg) => !arg.startsWith(DISABLE_FEATURES));
  return features.length
    ? [...rest, `${DISABLE_FEATURES}${[...new Set(features)].join(',')}`]
    : rest;
}
