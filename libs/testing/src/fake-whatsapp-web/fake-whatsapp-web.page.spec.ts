import { describe, expect, it } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import { runFakeWhatsAppPage, type FakePageWindow } from './fake-whatsapp-web.page';
import type { FakePageConfig } from './fake-whatsapp-web.protocol';

interface Posted {
  url: string;
  body: Record<string, unknown>;
}

/** A window whose requests are recorded and never answered: enough to load the runtime. */
function stubWindow(): { win: FakePageWindow; posted: Posted[] } {
  const posted: Posted[] = [];
  const storage = new Map<string, string>();
  const win: FakePageWindow = {
    localStorage: {
      getItem: (key) => storage.get(key) ?? null,
      setItem: (key, value) => void storage.set(key, value),
      removeItem: (key) => void storage.delete(key),
    },
    location: { assign: () => undefined },
    fetch: (url, init) => {
      posted.push({ url, body: JSON.parse(init?.body ?? '{}') as Record<string, unknown> });
      return new Promise(() => undefined);
    },
    EventSource: class {
      onmessage = null;
      onerror = null;
    },
    XMLHttpRequest: class {
      open(): void {}
      send(): void {}
    },
    addEventListener: () => undefined,
    crypto: globalThis.crypto,
    btoa: (data) => Buffer.from(data, 'binary').toString('base64'),
    atob: (data) => Buffer.from(data, 'base64').toString('binary'),
    setTimeout: (handler, ms) => setTimeout(handler, ms),
  };
  return { win, posted };
}

function config(strict: boolean): FakePageConfig {
  return { serverUrl: 'http://127.0.0.1:1', version: '2.3000.0', strict };
}

function reportedModules(posted: Posted[]): unknown[] {
  return posted.filter((p) => p.url.endsWith('/api/unknown-module')).map((p) => p.body.name);
}

describe('runFakeWhatsAppPage', () => {
  it('runs from its source text alone, as it does in the page', () => {
    const { win } = stubWindow();
    // A fresh context: the runtime may rely on nothing from this module or from Node.
    runInNewContext(`(${runFakeWhatsAppPage.toString()})(window, config);`, {
      window: win,
      config: config(true),
    });
    const socketModule = win.require!('WAWebSocketModel') as { Socket: { state: string } };
    expect(socketModule.Socket.state).toBe('OPENING');
  });

  it('in strict mode answers an unknown module with undefined and reports it once', () => {
    const { win, posted } = stubWindow();
    runFakeWhatsAppPage(win, config(true));
    expect(win.require!('WAWebNotThere')).toBeUndefined();
    expect(win.require!('WAWebNotThere')).toBeUndefined();
    expect(reportedModules(posted)).toEqual(['WAWebNotThere']);
  });

  it('in lenient mode answers an unknown module with an inert proxy and reports its calls', () => {
    const { win, posted } = stubWindow();
    runFakeWhatsAppPage(win, config(false));
    const module = win.require!('WAWebNotThere') as { deep: { call(): unknown } };
    expect(module.deep.call()).toBeUndefined();
    expect({ ...module }).toEqual({});
    expect(reportedModules(posted)).toEqual(['WAWebNotThere', 'WAWebNotThere.deep.call()']);
  });

  it('asks the server for a session, remembering a device id in the profile', () => {
    const { win, posted } = stubWindow();
    runFakeWhatsAppPage(win, config(true));
    const hello = posted.find((p) => p.url.endsWith('/api/hello'));
    expect(hello?.body).toMatchObject({ sid: null, stored: null, device: expect.any(String) });
    expect(win.localStorage.getItem('fakeWhatsApp.device')).toBe(hello?.body.device);
  });
});
