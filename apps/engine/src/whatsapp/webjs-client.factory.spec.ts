import { LocalAuth } from 'whatsapp-web.js';
import { testEngineConfig } from '../sessions/testing/test-host';
import { WebJsClientFactory } from './webjs-client.factory';

describe('WebJsClientFactory options', () => {
  const config = testEngineConfig({ dataDir: '/tmp/sb-engine', chromiumPath: '/opt/chromium' });

  it('uses the configured Chromium, LocalAuth per session under the data dir, and no library QR limit', () => {
    const sut = new WebJsClientFactory(config, {}, false);
    const options = sut.clientOptions('wa-1', {});
    expect(options.puppeteer).toMatchObject({ executablePath: '/opt/chromium', headless: true });
    expect(options.puppeteer?.args).not.toContain('--no-sandbox');
    expect(options.authStrategy).toBeInstanceOf(LocalAuth);
    expect(options.authStrategy).toMatchObject({ clientId: 'wa-1', dataPath: '/tmp/sb-engine' });
    expect(options.qrMaxRetries).toBe(0);
    expect(options.pairWithPhoneNumber).toBeUndefined();
    expect(sut.authDir('wa-1')).toBe('/tmp/sb-engine/session-wa-1');
  });

  it('adds --no-sandbox when running as root', () => {
    const options = new WebJsClientFactory(config, {}, true).clientOptions('wa-1', {});
    expect(options.puppeteer?.args).toEqual(expect.arrayContaining(['--no-sandbox']));
  });

  it('merges the extra options a test supplies, appending its Chromium args', () => {
    const sut = new WebJsClientFactory(
      config,
      {
        webVersion: 'fake-2.3000.0',
        webVersionCache: { type: 'remote', remotePath: 'http://127.0.0.1:1/wa/{version}.html' },
        puppeteer: { args: ['--disable-features=LocalNetworkAccessChecks', '--disable-gpu'] },
      },
      true,
    );
    const options = sut.clientOptions('wa-1', { pairingPhoneNumber: '6285550001' });
    expect(options.webVersion).toBe('fake-2.3000.0');
    expect(options.webVersionCache).toEqual({
      type: 'remote',
      remotePath: 'http://127.0.0.1:1/wa/{version}.html',
    });
    expect(options.puppeteer?.executablePath).toBe('/opt/chromium');
    const args = options.puppeteer?.args ?? [];
    expect(args).toEqual(
      expect.arrayContaining(['--no-sandbox', '--disable-features=LocalNetworkAccessChecks']),
    );
    expect(args.filter((a: string) => a === '--disable-gpu')).toHaveLength(1);
    expect(options.pairWithPhoneNumber).toEqual({ phoneNumber: '6285550001' });
  });
});

describe('WebJsClientFactory.create', () => {
  it('builds a real whatsapp-web.js client without launching Chromium', () => {
    const config = testEngineConfig({ dataDir: '/tmp/sb-engine', chromiumPath: '/opt/chromium' });
    const client = new WebJsClientFactory(config, { webVersion: 'pinned' }, false).create(
      'wa-1',
      {},
    );
    expect(typeof client.initialize).toBe('function');
    expect((client as unknown as { options: { webVersion: string } }).options.webVersion).toBe(
      'pinned',
    );
    expect(client.pupBrowser).toBeFalsy();
  });
});
