import { randomBytes } from 'node:crypto';
import type {
  ConversationView,
  InboxMessageView,
  Page,
  WhatsappSessionDetailView,
} from '@switchboard/contracts';
import { waitFor } from '@switchboard/testing';
import type { Response } from 'supertest';
import { workspaceIdentifier } from './messaging-test-kit';
import { seedRealtimeWorld, type RealtimeWorld } from './realtime-test-kit';
import {
  bearer,
  sessionRow,
  startSessionsWorld,
  subscribeToPlan,
  type SessionsWorld,
} from './sessions-test-kit';

const WAIT_MS = 20_000;
const META = {
  phoneNumberId: '106540352247001',
  wabaId: '102290129347001',
  displayPhoneNumber: '+1 555-010-0701',
  verifiedName: 'Acme Media',
  accessToken: 'EAAG-acme-media-token',
};

/** Raw bytes of a response, whatever its type. */
function bytesOf(res: Response): Buffer {
  return res.body as Buffer;
}

/**
 * Media previews in the inbox: the bytes come from the provider on first view (Meta's media
 * URL, or WhatsApp Web through the engine), are kept, and are served so a browser can show them
 * without ever running what a customer sent.
 */
describe('inbox: a message’s media', () => {
  let w: SessionsWorld;
  let world: RealtimeWorld;
  let owner: Record<string, string>;
  let webjs: { uuid: string; sessionId: string };
  let meta: WhatsappSessionDetailView;

  beforeAll(async () => {
    w = await startSessionsWorld();
    w.meta.addPhoneNumber(META);
    world = await seedRealtimeWorld(w.t);
    await subscribeToPlan(w.t, world.workspaceA, 10);
    owner = bearer(world.ownerA.token);
    webjs = await linkWebjs('6281200000071');
    meta = (
      await http()
        .post('/api/sessions')
        .set(owner)
        .send({
          provider_type: 'meta',
          meta: {
            access_token: META.accessToken,
            phone_number_id: META.phoneNumberId,
            waba_id: META.wabaId,
            app_secret: w.meta.webhookSecret,
          },
        })
        .expect(201)
    ).body as WhatsappSessionDetailView;
    w.meta.webhookUrl = `${w.serverUrl}/webhook/whatsapp/${await workspaceIdentifier(w.t, world.workspaceA)}`;
  });
  afterAll(() => w.close());

  const http = () => w.t.http();

  async function linkWebjs(phone: string): Promise<{ uuid: string; sessionId: string }> {
    const created = (
      await http().post('/api/sessions').set(owner).send({ provider_type: 'webjs' }).expect(201)
    ).body as WhatsappSessionDetailView;
    const sessionId = (await sessionRow(w.t, created.uuid))!.sessionId;
    const status = async () =>
      (await http().get(`/api/sessions/${created.uuid}`).set(owner).expect(200))
        .body as WhatsappSessionDetailView;
    await waitFor(async () => (await status()).qr_code !== null, 'the QR', WAIT_MS);
    w.clients.latest(sessionId).link(phone);
    await waitFor(async () => (await status()).status === 'connected', 'connected', WAIT_MS);
    return { uuid: created.uuid, sessionId };
  }

  /** The stored message with this provider id, and its conversation's contact. */
  async function stored(
    numberUuid: string,
    customer: string,
    providerMessageId: string,
  ): Promise<{ contact: string; message: InboxMessageView }> {
    let found: { contact: string; message: InboxMessageView } | null = null;
    await waitFor(
      async () => {
        const page = (
          await http().get(`/api/conversations?session=${numberUuid}`).set(owner).expect(200)
        ).body as Page<ConversationView>;
        const conversation = page.data.find((c) => c.contact.phone === `+${customer}`);
        if (!conversation) return false;
        const thread = (
          await http()
            .get(`/api/conversations/${conversation.contact.uuid}/messages`)
            .set(owner)
            .expect(200)
        ).body as Page<InboxMessageView>;
        const message = thread.data.find((m) => m.provider_message_id === providerMessageId);
        if (message) found = { contact: conversation.contact.uuid, message };
        return Boolean(message);
      },
      `message ${providerMessageId} in the inbox`,
      WAIT_MS,
    );
    return found!;
  }

  function download(contact: string, message: string, headers = owner) {
    return http()
      .get(`/api/conversations/${contact}/messages/${message}/media`)
      .set(headers)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  }

  /** Meta forgets a media id (it does after about 30 days). */
  async function metaForgets(mediaId: string): Promise<void> {
    const res = await fetch(`${w.meta.origin}/v21.0/${mediaId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${META.accessToken}` },
    });
    expect(res.status).toBe(200);
  }

  it('shows a Meta image inline, and keeps it after Meta has forgotten it', async () => {
    const photo = randomBytes(2048);
    const { messageId, mediaId, delivery } = await w.meta.receiveFromCustomer({
      phoneNumberId: META.phoneNumberId,
      from: '16505550701',
      name: 'Photo sender',
      media: { type: 'image', data: photo, mimeType: 'image/jpeg', caption: 'the damage' },
    });
    expect(delivery!.status).toBe(200);
    const { contact, message } = await stored(meta.uuid, '16505550701', messageId);
    expect(message.media).toMatchObject({ mimetype: 'image/jpeg', provider_media_id: mediaId });

    const first = await download(contact, message.uuid).expect(200);
    expect(first.headers['content-type']).toBe('image/jpeg');
    expect(first.headers['content-disposition']).toMatch(/^inline/);
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(bytesOf(first).equals(photo)).toBe(true);

    await metaForgets(mediaId!);
    const again = await download(contact, message.uuid).expect(200);
    expect(bytesOf(again).equals(photo)).toBe(true);
  });

  it('answers 410 with the reason when Meta no longer has media never viewed', async () => {
    const { messageId, mediaId } = await w.meta.receiveFromCustomer({
      phoneNumberId: META.phoneNumberId,
      from: '16505550702',
      name: 'Late viewer',
      media: { type: 'image', data: randomBytes(512), mimeType: 'image/png' },
    });
    const { contact, message } = await stored(meta.uuid, '16505550702', messageId);
    await metaForgets(mediaId!);

    const res = await download(contact, message.uuid).expect(410);
    expect(JSON.parse(bytesOf(res).toString('utf8'))).toMatchObject({
      error: { code: 'GONE', details: { reason: 'MEDIA_UNAVAILABLE' } },
    });
  });

  it('fetches WhatsApp Web media through the engine; what a browser must not run is downloaded', async () => {
    const pdf = randomBytes(4096);
    const phone = w.clients.latest(webjs.sessionId);
    const document = phone.receive({
      from: '6281300000072@c.us',
      media: { mimetype: 'application/pdf', data: pdf.toString('base64'), filename: 'invoice.pdf' },
    });
    const page = '<script>alert(document.cookie)</script>';
    const hostile = phone.receive({
      from: '6281300000072@c.us',
      media: { mimetype: 'text/html', data: Buffer.from(page).toString('base64') },
    });

    const pdfView = await stored(webjs.uuid, '6281300000072', document.id._serialized);
    const res = await download(pdfView.contact, pdfView.message.uuid).expect(200);
    expect(bytesOf(res).equals(pdf)).toBe(true);
    expect(res.headers['content-type']).toBe('application/octet-stream');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="?invoice\.pdf"?$/);

    const htmlView = await stored(webjs.uuid, '6281300000072', hostile.id._serialized);
    const html = await download(htmlView.contact, htmlView.message.uuid).expect(200);
    expect(html.headers['content-type']).toBe('application/octet-stream');
    expect(html.headers['content-disposition']).toMatch(/^attachment/);
    expect(html.headers['content-security-policy']).toContain('sandbox');
    expect(bytesOf(html).toString('utf8')).toBe(page);
  });

  it('answers 404 for a text message, a message that is not there, and another workspace', async () => {
    const text = w.clients
      .latest(webjs.sessionId)
      .receive({ from: '6281300000073@c.us', body: 'just words' });
    const { contact, message } = await stored(webjs.uuid, '6281300000073', text.id._serialized);
    expect((await download(contact, message.uuid).expect(404)).status).toBe(404);
    await download(contact, '00000000-0000-4000-8000-000000000000').expect(404);
    await download(contact, 'not-a-uuid').expect(404);
    await download('not-a-uuid', message.uuid).expect(404);

    const { messageId } = await w.meta.receiveFromCustomer({
      phoneNumberId: META.phoneNumberId,
      from: '16505550704',
      name: 'Private',
      media: { type: 'image', data: randomBytes(256), mimeType: 'image/jpeg' },
    });
    const image = await stored(meta.uuid, '16505550704', messageId);
    await download(image.contact, image.message.uuid, bearer(world.ownerB.token)).expect(404);
    await download(image.contact, image.message.uuid, {}).expect(401);
  });
});
