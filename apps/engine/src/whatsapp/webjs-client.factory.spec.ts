import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    expect(args).toEqual(expect.arrayContaining(['--no-sandbox']));
    // One list: Chromium reads only the last --disable-features.
    expect(args.filter((a: string) => a.startsWith('--disable-features='))).toEqual([
      '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,LocalNetworkAccessChecks',
    ]);
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

describe('WebJsClientFactory warm-pool profiles', () => {
  let dataDir: string;
  let sut: WebJsClientFactory;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sb-warm-'));
    sut = new WebJsClientFactory(testEngineConfig({ dataDir }), {}, false);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  /** What a pooled Chromium writes: a login in its own profile. */
  function pooledLogin(poolId: string): void {
    const storage = join(sut.warmDir(poolId), 'Default', 'Local Storage');
    mkdirSync(storage, { recursive: true });
    writeFileSync(join(storage, '000003.log'), 'login');
    symlinkSync('host-1', join(sut.warmDir(poolId), 'SingletonLock'));
  }

  it('launches a pooled client on a profile of the pool, apart from the sessions', () => {
    const options = new WebJsClientFactory(testEngineConfig({ dataDir }), {}, false).clientOptions(
      'p1',
      {},
      join(dataDir, 'pool'),
    );
    expect(options.authStrategy).toMatchObject({ clientId: 'p1', dataPath: join(dataDir, 'pool') });
    expect(sut.warmDir('p1')).toBe(join(dataDir, 'pool', 'session-p1'));
  });

  it('makes the claimed profile the session’s: login saved through it, moved home once closed', async () => {
    mkdirSync(join(sut.authDir('wa-1'), 'Default'), { recursive: true });
    pooledLogin('p1');
    await sut.claimProfile('wa-1', 'p1');
    expect(lstatSync(sut.authDir('wa-1')).isSymbolicLink()).toBe(true);
    expect(await sut.hasAuth('wa-1')).toBe(true);
    const archive = await sut.exportAuth('wa-1');

    await sut.releaseProfile('wa-1');
    expect(lstatSync(sut.authDir('wa-1')).isDirectory()).toBe(true);
    expect(existsSync(sut.warmDir('p1'))).toBe(false);
    expect(existsSync(join(sut.authDir('wa-1'), 'SingletonLock'))).toBe(false);
    expect(await sut.exportAuth('wa-1')).toEqual(archive);
  });

  it('deletes both the link and the pooled profile on logout', async () => {
    pooledLogin('p1');
    await sut.claimProfile('wa-1', 'p1');
    await sut.clearAuth('wa-1');
    expect(existsSync(sut.authDir('wa-1'))).toBe(false);
    expect(existsSync(sut.warmDir('p1'))).toBe(false);
    expect(await sut.hasAuth('wa-1')).toBe(false);
  });
});
