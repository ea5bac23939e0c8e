/** The Chromium the fake WhatsApp Web is driven in (Debian's `chromium` package). */
export const FAKE_WHATSAPP_CHROMIUM_PATH = '/usr/bin/chromium';

/** The whatsapp-web.js Client options that point the real library at a FakeWhatsAppWeb. */
export interface FakeWhatsAppClientOptions {
  webVersion: string;
  webVersionCache: { type: 'remote'; remotePath: string; strict: true };
  puppeteer: { executablePath: string; headless: boolean; args: string[] };
}

export interface FakeWhatsAppBrowserOptions {
  executablePath?: string;
  headless?: boolean;
  /** Added after the flags the fake needs. */
  args?: string[];
}

/**
 * The Client option fragment for a started fake; spread it into the Client options (with an
 * `authStrategy`). The library fetches the page from the fake and serves it itself for
 * https://web.whatsapp.com/, so nothing reaches WhatsApp.
 */
export function fakeWhatsAppClientOptions(
  fake: { webVersion: string; remotePath: string },
  browser: FakeWhatsAppBrowserOptions = {},
): FakeWhatsAppClientOptions {
  return {
    webVersion: fake.webVersion,
    webVersionCache: { type: 'remote', remotePath: fake.remotePath, strict: true },
    puppeteer: {
      executablePath: browser.executablePath ?? FAKE_WHATSAPP_CHROMIUM_PATH,
      headless: browser.headless ?? true,
      args: [
        // Tests run as root in CI containers.
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        // The page's origin is public (https://web.whatsapp.com) and the fake is on loopback:
        // without this, Chromium's Local Network Access rules block the page's calls to it.
        '--disable-features=LocalNetworkAccessChecks',
        ...(browser.args ?? []),
      ],
    },
  };
}

/** What `trapBrowserCloseRejections` caught. */
export interface BrowserCloseRejectionTrap {
  /** Rejections from a page or browser closing under a pending puppeteer call, ignored. */
  readonly ignored: unknown[];
  /** Any other unhandled rejection: a test should assert there are none. */
  readonly unexpected: unknown[];
  dispose(): void;
}

const CLOSED_TARGET =
  /Target closed|Session closed|Connection closed|detached Frame|Navigating frame was detached|Execution context was destroyed/i;

/**
 * whatsapp-web.js re-injects from a `framenavigated` listener with no catch, so closing a browser
 * while that runs (after a phone-side unlink, or when the library destroys itself after a
 * disconnect) rejects with a TargetCloseError nobody handles, which ends the Node process.
 * This collects those instead; keep anything else visible through `unexpected`.
 */
export function trapBrowserCloseRejections(): BrowserCloseRejectionTrap {
  const ignored: unknown[] = [];
  const unexpected: unknown[] = [];
  const listener = (reason: unknown): void => {
    const error = reason instanceof Error ? reason : null;
    if (error && (error.name === 'TargetCloseError' || CLOSED_TARGET.test(error.message))) {
      ignored.push(reason);
    } else {
      unexpected.push(reason);
    }
  };
  process.on('unhandledRejection', listener);
  return {
    ignored,
    unexpected,
    dispose: () => {
      process.off('unhandledRejection', listener);
    },
  };
}
