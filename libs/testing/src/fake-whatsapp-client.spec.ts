import { FakeWhatsAppClientFactory } from './fake-whatsapp-client';

describe('FakeWhatsAppClient', () => {
  it('resolves initialize() after the first QR, and authenticates right before ready', async () => {
    const factory = new FakeWhatsAppClientFactory();
    const client = factory.create('s1', {});
    const seen: string[] = [];
    for (const name of ['qr', 'authenticated', 'ready']) client.on(name, () => seen.push(name));
    await client.initialize();
    expect(seen).toEqual(['qr']);
    client.link('6285550001');
    expect(seen).toEqual(['qr', 'authenticated', 'ready']);
    expect(client.info?.wid._serialized).toBe('6285550001@c.us');
    expect(await client.getState()).toBe('CONNECTED');
  });

  it('restores a linked session without a QR, until it is logged out', async () => {
    const factory = new FakeWhatsAppClientFactory();
    const first = factory.create('s1', {});
    await first.initialize();
    first.link('6285550001');
    await first.destroy();

    const second = factory.create('s1', {});
    const ready = new Promise<void>((resolve) => second.once('ready', () => resolve()));
    const qrs: string[] = [];
    second.on('qr', (qr: string) => qrs.push(qr));
    await second.initialize();
    await ready;
    expect(qrs).toEqual([]);

    const events: string[] = [];
    second.on('disconnected', () => events.push('disconnected'));
    await second.logout();
    expect(events).toEqual([]);
    expect(factory.hasStoredLogin('s1')).toBe(false);
  });

  it('destroys itself after a state-based disconnect, but not on TIMEOUT', async () => {
    const client = new FakeWhatsAppClientFactory().create('s1', {});
    await client.initialize();
    client.link('6285550001');
    const reasons: string[] = [];
    client.on('disconnected', (reason: string) => reasons.push(reason));
    client.disconnect('TIMEOUT');
    expect(client.destroyed).toBe(false);
    client.disconnect('CONFLICT');
    expect(reasons).toEqual(['CONFLICT']);
    await Promise.resolve();
    expect(client.destroyed).toBe(true);
  });

  it('emits message_create for an own message before sendMessage resolves', async () => {
    const client = new FakeWhatsAppClientFactory().create('s1', {});
    await client.initialize();
    client.link('6285550001');
    const created: string[] = [];
    client.on('message_create', (m: { id: { _serialized: string } }) =>
      created.push(m.id._serialized),
    );
    client.holdSends();
    const sending = client.sendMessage('6281@c.us', 'hi');
    expect(created).toHaveLength(1);
    client.releaseSends();
    expect((await sending).id._serialized).toBe(created[0]);
  });
});
