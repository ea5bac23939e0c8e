import { createHash } from 'node:crypto';
import type { SecretBox } from '@switchboard/contracts/node';
import type { DataSource } from 'typeorm';
import { recountNumberUnread } from '../migrations/1764001800000-AddNumberUnreadCount';

/** The inbox bench's world: one workspace, its Meta numbers, contacts and their conversations. */
export interface InboxSeedOptions {
  workspaceId: number;
  numbers: number;
  contacts: number;
  chats: number;
  appSecret: string;
  secretBox: SecretBox;
}

export interface SeededNumber {
  id: number;
  uuid: string;
  phoneNumber: string;
  phoneNumberId: string;
  wabaId: string;
}

export interface InboxSeed {
  numbers: SeededNumber[];
  conversations: number;
  chats: number;
  unreadMessages: number;
  firstContactId: number;
  /** A contact with a long thread, for the thread page. */
  threadContact: { uuid: string; messages: number };
  seconds: number;
}

/** Rows per multi-row INSERT: large enough to amortise round trips, under max_allowed_packet. */
const BATCH = 2000;
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const benchContactPhone = (i: number): string => `+62812${String(i).padStart(7, '0')}`;
export const benchContactName = (i: number): string => `Name${i}`;

/** Deterministic uuid-shaped ids, so a run can be compared with another. */
function uuidOf(kind: string, i: number): string {
  const hex = createHash('sha1').update(`${kind}:${i}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Seeds with multi-row INSERTs (not measured). Contact i talks to number i % N, every fourth
 * contact also to number (i + 3) % N; the chats are spread evenly over those conversations, the
 * newest message of each within the last 60 days. In one conversation of eight the last two
 * customer messages are unread.
 */
export async function seedInbox(
  dataSource: DataSource,
  options: InboxSeedOptions,
): Promise<InboxSeed> {
  const started = performance.now();
  const { workspaceId } = options;
  const now = Date.now();
  const numbers: SeededNumber[] = [];
  for (let n = 0; n < options.numbers; n += 1) {
    const phoneNumberId = `1065403522${String(n).padStart(5, '0')}`;
    const wabaId = `1022901293${String(n).padStart(5, '0')}`;
    const uuid = uuidOf('number', n);
    const phoneNumber = `+628110000${String(n).padStart(4, '0')}`;
    const sealed = options.secretBox.seal(
      JSON.stringify({
        access_token: `EAAbench${n}`,
        phone_number_id: phoneNumberId,
        waba_id: wabaId,
        api_version: 'v21.0',
        app_secret: options.appSecret,
      }),
    );
    await dataSource.query(
      'INSERT INTO whatsapp_sessions (uuid, workspace_id, session_id, phone_number, provider_type, status, session_data, created_at, updated_at) ' +
        "VALUES (?, ?, ?, ?, 'meta', 'connected', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
      [uuid, workspaceId, `meta_bench_${n}`, phoneNumber, sealed],
    );
    const [row] = await dataSource.query<Array<{ id: number | string }>>(
      'SELECT id FROM whatsapp_sessions WHERE uuid = ?',
      [uuid],
    );
    numbers.push({ id: Number(row!.id), uuid, phoneNumber, phoneNumberId, wabaId });
  }

  // Conversations: [contact index, number index, time of the newest message].
  const conversations: Array<[number, number, number]> = [];
  for (let i = 0; i < options.contacts; i += 1) {
    conversations.push([i, i % options.numbers, now - ((i * 7919) % (60 * DAY))]);
    if (i % 4 === 0) {
      conversations.push([i, (i + 3) % options.numbers, now - ((i * 104_729) % (60 * DAY))]);
    }
  }
  const perConversation = Math.max(1, Math.floor(options.chats / conversations.length));
  const extra = options.chats - perConversation * conversations.length;
  const isUnreadConversation = (c: number) => c % 8 === 0;

  const contactIdBase = await nextId(dataSource, 'contacts');
  const contactLast = new Map<number, { at: number; unread: number }>();
  for (const [c, [i, , at]] of conversations.entries()) {
    const current = contactLast.get(i) ?? { at: 0, unread: 0 };
    contactLast.set(i, {
      at: Math.max(current.at, at),
      unread: current.unread + (isUnreadConversation(c) ? 2 : 0),
    });
  }
  await insertRows(
    dataSource,
    'contacts',
    [
      'id',
      'uuid',
      'workspace_id',
      'first_name',
      'last_name',
      'phone',
      'email',
      'type',
      'unread_messages',
      'last_message_at',
      'latest_chat_created_at',
      'created_by',
      'created_at',
      'updated_at',
    ],
    options.contacts,
    (i) => {
      const last = contactLast.get(i);
      const at = last ? new Date(last.at) : null;
      return [
        contactIdBase + i,
        uuidOf('contact', i),
        workspaceId,
        benchContactName(i),
        `Family${i % 97}`,
        benchContactPhone(i),
        `c${i}@example.com`,
        'individual',
        last?.unread ?? 0,
        at,
        at,
        0,
        new Date(now - 90 * DAY),
        new Date(now - 90 * DAY),
      ];
    },
  );

  const messagesOf = (c: number) => perConversation + (c < extra ? 1 : 0);
  await insertRows(
    dataSource,
    'contact_sessions',
    [
      'contact_id',
      'whatsapp_session_id',
      'first_interaction_at',
      'last_interaction_at',
      'total_messages',
      'created_at',
      'updated_at',
    ],
    conversations.length,
    (c) => {
      const [i, n, at] = conversations[c]!;
      const first = new Date(at - (messagesOf(c) - 1) * 5 * MINUTE);
      return [contactIdBase + i, numbers[n]!.id, first, new Date(at), messagesOf(c), first, first];
    },
  );

  // Chats, conversation by conversation: k = 0 is the oldest; customers and the business take turns.
  const chatRows: Array<[number, number]> = [];
  for (let c = 0; c < conversations.length; c += 1) {
    for (let k = 0; k < messagesOf(c); k += 1) chatRows.push([c, k]);
  }
  let unreadMessages = 0;
  await insertRows(
    dataSource,
    'chats',
    [
      'uuid',
      'workspace_id',
      'whatsapp_session_id',
      'wam_id',
      'contact_id',
      'type',
      'metadata',
      'status',
      'message_status',
      'is_read',
      'provider_type',
      'chat_type',
      'created_at',
      'updated_at',
    ],
    chatRows.length,
    (r) => {
      const [c, k] = chatRows[r]!;
      const [i, n, at] = conversations[c]!;
      const last = messagesOf(c) - 1;
      const unread = isUnreadConversation(c) && k >= last - 1;
      const inbound = unread || k % 2 === 0;
      if (unread) unreadMessages += 1;
      const createdAt = new Date(at - (last - k) * 5 * MINUTE);
      const body = inbound
        ? `Halo kak, pesanan nomor ${c}-${k} sudah dikirim belum?`
        : `Sudah kami kirim ya kak, resi ${c}${k}`;
      return [
        uuidOf('chat', r),
        workspaceId,
        numbers[n]!.id,
        `wamid.bench.${c}.${k}`,
        contactIdBase + i,
        inbound ? 'inbound' : 'outbound',
        JSON.stringify({
          body,
          type: 'text',
          has_media: false,
          media: null,
          from: inbound ? benchContactPhone(i).slice(1) : numbers[n]!.phoneNumber.slice(1),
          timestamp: Math.floor(createdAt.getTime() / 1000),
          sender_name: inbound ? benchContactName(i) : null,
          provider: 'meta',
        }),
        inbound ? 'received' : 'read',
        inbound ? 'delivered' : 'read',
        unread ? 0 : 1,
        'meta',
        'private',
        createdAt,
        createdAt,
      ];
    },
  );
  // The chats went in by plain INSERTs: the numbers' unread counts are set from them once.
  await recountNumberUnread((sql) => dataSource.query(sql));
  // A contact talking to two numbers, for the thread page.
  const threadIndex = 4;
  const threadMessages = conversations
    .map((conversation, c) => (conversation[0] === threadIndex ? messagesOf(c) : 0))
    .reduce((a, b) => a + b, 0);
  return {
    numbers,
    conversations: conversations.length,
    chats: chatRows.length,
    unreadMessages,
    firstContactId: contactIdBase,
    threadContact: { uuid: uuidOf('contact', threadIndex), messages: threadMessages },
    seconds: (performance.now() - started) / 1000,
  };
}

async function nextId(dataSource: DataSource, table: string): Promise<number> {
  const [row] = await dataSource.query<Array<{ id: number | string | null }>>(
    `SELECT MAX(id) AS id FROM ${table}`,
  );
  return Number(row?.id ?? 0) + 1;
}

async function insertRows(
  dataSource: DataSource,
  table: string,
  columns: string[],
  count: number,
  row: (i: number) => unknown[],
): Promise<void> {
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  for (let start = 0; start < count; start += BATCH) {
    const end = Math.min(count, start + BATCH);
    const values: unknown[] = [];
    for (let i = start; i < end; i += 1) values.push(...row(i));
    await dataSource.query(
      `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: end - start }, () => tuple).join(', ')}`,
      values,
    );
  }
}
