// Helpers for the messaging e2e specs: numbers, signed engine events and row counts.
import { ENGINE_EVENTS_PATH, type EngineMessage, type WhatsAppParty } from '@switchboard/contracts';
import { SecretBox, signRequest } from '@switchboard/contracts/node';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { StoredMetaCredentials } from '../src/sessions/meta-credentials';
import { WhatsappSession } from '../src/sessions/whatsapp-session.entity';
import type { TestApp } from './test-app';

export function dataSourceOf(t: TestApp): DataSource {
  return t.app.get(DataSource);
}

/** Rows of a raw query with every bigint (a string on mysql2) and count turned into a number. */
export async function rows<T = Record<string, unknown>>(
  t: TestApp,
  sql: string,
  parameters: unknown[] = [],
  numeric: string[] = [],
): Promise<T[]> {
  const result = await dataSourceOf(t).query<Array<Record<string, unknown>>>(sql, parameters);
  return result.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          numeric.includes(key) && value !== null ? Number(value) : value,
        ]),
      ) as T,
  );
}

export async function count(
  t: TestApp,
  table: string,
  where = '1 = 1',
  parameters: unknown[] = [],
) {
  const [row] = await rows<{ n: number }>(
    t,
    `SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`,
    parameters,
    ['n'],
  );
  return row!.n;
}

export async function workspaceIdentifier(t: TestApp, workspaceId: number): Promise<string> {
  const [row] = await rows<{ identifier: string }>(
    t,
    'SELECT identifier FROM workspaces WHERE id = ?',
    [workspaceId],
  );
  return row!.identifier;
}

/** A number of the workspace, WhatsApp Web unless `overrides` say otherwise. */
export async function createWebjsSession(
  t: TestApp,
  workspaceId: number,
  overrides: Partial<WhatsappSession> = {},
): Promise<WhatsappSession> {
  const sessions = dataSourceOf(t).getRepository(WhatsappSession);
  const session = await sessions.save(
    sessions.create({
      uuid: randomUUID(),
      workspaceId,
      sessionId: `wa_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
      providerType: 'webjs',
      status: 'connected',
      phoneNumber: '+6289999999999',
      ...overrides,
    }),
  );
  session.id = Number(session.id);
  return session;
}

export type MetaCredentials = Omit<StoredMetaCredentials, 'api_version' | 'app_id'>;

/** A Meta number with its credentials sealed the way the numbers API stores them. */
export function createMetaNumber(
  t: TestApp,
  workspaceId: number,
  credentials: MetaCredentials,
): Promise<WhatsappSession> {
  return createWebjsSession(t, workspaceId, {
    sessionId: `meta_${randomUUID().replaceAll('-', '').slice(0, 16)}`,
    providerType: 'meta',
    phoneNumber: '+15550100001',
    sessionData: t.app.get(SecretBox).seal(JSON.stringify(credentials)),
  });
}

export { engineEvent } from './engine-event-kit';

/** Posts an engine event signed with the engine secret, as an engine does. */
export function postEngineEvent(t: TestApp, event: unknown) {
  const raw = JSON.stringify(event);
  return t
    .http()
    .post(ENGINE_EVENTS_PATH)
    .set(signRequest(t.config.engineSecret, raw, `req-${randomUUID()}`))
    .set('content-type', 'application/json')
    .send(raw);
}

export const phoneParty = (digits: string): WhatsAppParty => ({
  id: `${digits}@c.us`,
  kind: 'phone',
  phone: digits,
});

/** A customer's message to the number, as the engine reports it. */
export function customerMessage(
  from: WhatsAppParty,
  overrides: Partial<EngineMessage> = {},
): EngineMessage {
  const id = randomUUID().replaceAll('-', '').slice(0, 20).toUpperCase();
  return {
    provider_message_id: `false_${from.id}_${id}`,
    chat_id: from.id,
    chat_kind: from.kind,
    from,
    to: phoneParty('6289999999999'),
    from_me: false,
    is_group: false,
    author: null,
    type: 'chat',
    body: 'Hello, is this shop open?',
    timestamp: Math.floor(Date.now() / 1000),
    media: null,
    quoted_message_id: null,
    status: 'delivered',
    ...overrides,
  };
}
