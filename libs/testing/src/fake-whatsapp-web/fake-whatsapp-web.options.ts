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
