// A workspace with one Meta number and customers writing to it through real signed webhooks, for
// the admin's browser specs that need an inbox with something in it.
import type { ConversationView, Page as ApiPage } from '@switchboard/contracts';
import { FakeMetaGraphApi } from '@switchboard/testing';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from './admin-numbers-kit';
import { createMetaNumber, workspaceIdentifier } from './messaging-test-kit';
import { listenOnLoopback } from './realtime-test-kit';
import { ADMIN_EMAIL, ADMIN_PASSWORD, startTestApp, type TestApp } from './test-app';

const APP_SECRET = 'admin-locale-app-secret';
const PHONE_NUMBER_ID = '106540352242922';

export interface MetaInboxWorld {
  t: TestApp;
  baseUrl: string;
  workspaceId: number;
  /** The Meta number's uuid, as the inbox URLs name it. */
  numberUuid: string;
  /** A customer writes to the number; resolves once the server has taken the webhook. */
  customerWrites(from: string, name: string, text: string): Promise<void>;
  /** The contact uuid of a customer's conversation, by their name. */
  contactUuidOf(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startMetaInboxWorld(): Promise<MetaInboxWorld> {
  const t = await startTestApp();
  const baseUrl = await listenOnLoopback(t.app);
  const login = await t
    .http()
    .post('/api/auth/login')
    .send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD })
    .expect(200);
  const { token, current_workspace_id: workspaceId } = login.body as {
    token: string;
    current_workspace_id: number;
  };
  const meta = new FakeMetaGraphApi({ appSecret: APP_SECRET });
  meta.addPhoneNumber({
    phoneNumberId: PHONE_NUMBER_ID,
    wabaId: '102290129340398',
    displayPhoneNumber: '+1 555-010-0001',
    verifiedName: 'Toko',
    accessToken: 'EAAlocale',
  });
  const number = await createMetaNumber(t, workspaceId, {
    access_token: 'EAAlocale',
    phone_number_id: PHONE_NUMBER_ID,
    waba_id: '102290129340398',
    app_secret: APP_SECRET,
  });
  meta.webhookUrl = `${baseUrl}/webhook/whatsapp/${await workspaceIdentifier(t, workspaceId)}`;
  return {
    t,
    baseUrl,
    workspaceId,
    numberUuid: number.uuid,
    customerWrites: async (from, name, text) => {
      const { delivery } = await meta.receiveFromCustomer({
        phoneNumberId: PHONE_NUMBER_ID,
        from,
        name,
        text,
      });
      if (delivery?.status !== 200) throw new Error(`webhook answered ${delivery?.status}`);
    },
    contactUuidOf: async (name) => {
      const res = await t
        .http()
        .get('/api/conversations')
        .query({ search: name })
        .set({ authorization: `Bearer ${token}` })
        .expect(200);
      const { data } = res.body as ApiPage<ConversationView>;
      const found = data.find((item) => item.contact.name === name);
      if (!found) throw new Error(`no conversation with ${name}`);
      return found.contact.uuid;
    },
    close: () => t.close(),
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}
