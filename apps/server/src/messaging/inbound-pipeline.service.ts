import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  MESSAGE_STATUSES,
  RealtimeEvent,
  isForwardStatus,
  workspaceChannel,
  workspaceChatChannel,
  type MessageIngestOutcome,
  type NormalizedEdit,
  type NormalizedMessage,
  type NormalizedRevoke,
  type NormalizedStatusUpdate,
  type ProviderType,
  type RealtimeContact,
  type RealtimeMessage,
  type WhatsAppParty,
} from '@switchboard/contracts';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { DateUtils } from 'typeorm/util/DateUtils';
import { TransactionRunner } from '../database/transaction-runner';
import { insertedId } from '../database/inserted-id';
import { retryLostRaces } from '../database/lost-race';
import { Contact } from '../inbox/contact.entity';
import { toE164 } from '../inbox/phone-number';
import { BroadcasterService } from '../realtime/broadcaster.service';
import { Chat } from './chat.entity';
import { broadcastMessageStatus } from './message-status-event';

/** The number a message came through, as the pipeline needs it. */
export interface SessionRef {
  id: number;
  uuid: string;
  workspaceId: number;
  providerType: ProviderType;
}

/** How a conversation's contact is found: by E.164 phone, or by a WhatsApp id that is no phone. */
export type ContactIdentity =
  | { phone: string; whatsappId: null; type: 'individual' }
  | { phone: null; whatsappId: string; type: 'individual' | 'group' };

/** A message of a batch, with what the pipeline derived from it. */
interface Incoming {
  /** Its place in the delivery. */
  index: number;
  message: NormalizedMessage;
  identity: ContactIdentity;
  createdAt: Date;
}

type Stored =
  | { outcome: 'stored'; chat: Chat; contact: Contact }
  | Extract<MessageIngestOutcome, { outcome: 'duplicate' }>;

/** Transactions that lost a race (a unique key taken meanwhile, a deadlock) are run again. */
const MAX_ATTEMPTS = 4;
/** Provider clocks ahead of ours by more than this are not trusted for a message's time. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The one inbound pipeline for every provider: a normalized message is stored once per
 * (number, provider message id), its contact and the contact's link to the number are upserted,
 * the unread count moves, all in one transaction; the workspace's agents hear of it after commit.
 * Status updates only move forward.
 */
@Injectable()
export class InboundPipelineService {
  private readonly logger = new Logger('InboundPipeline');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly broadcaster: BroadcasterService,
  ) {}

  async ingest(session: SessionRef, message: NormalizedMessage): Promise<MessageIngestOutcome> {
    const [outcome] = await this.ingestMany(session, [message]);
    return outcome!;
  }

  /**
   * Stores the messages of one delivery through one number in one transaction (a few statements
   * for the whole batch, not per message); outcomes in the order given. The agents hear of each
   * stored message after commit, in that order.
   */
  async ingestMany(
    session: SessionRef,
    messages: NormalizedMessage[],
  ): Promise<MessageIngestOutcome[]> {
    const outcomes: MessageIngestOutcome[] = [];
    const batch: Incoming[] = [];
    for (const [index, message] of messages.entries()) {
      const identity = contactIdentity(message.conversation);
      if (!identity) {
        outcomes[index] = { outcome: 'ignored', reason: `${message.conversation.kind} chat` };
        continue;
      }
      batch.push({ index, message, identity, createdAt: messageTime(message.timestamp) });
    }
    if (batch.length === 0) return outcomes;
    const stored = await this.retrying(() =>
      this.transactions.run((manager) => this.storeMany(manager, session, batch)),
    );
    for (const [i, item] of batch.entries()) {
      const result = stored[i]!;
      if (result.outcome !== 'stored') {
        outcomes[item.index] = result;
        continue;
      }
      await this.announce(session, item.message, result.chat, result.contact);
      outcomes[item.index] = {
        outcome: 'stored',
        chat_id: result.chat.id,
        contact_id: result.contact.id,
      };
    }
    return outcomes;
  }

  /** Moves a message's status forward; false when unknown or not a step forward. */
  async applyStatus(session: SessionRef, update: NormalizedStatusUpdate): Promise<boolean> {
    const chat = await this.findChat(session, update.provider_message_id);
    if (!chat) return false;
    const next = update.status;
    if (!isForwardStatus(chat.messageStatus ?? 'pending', next)) return false;
    const at = update.timestamp ? new Date(update.timestamp * 1000) : new Date();
    const changes: Partial<Chat> = { messageStatus: next, status: next, updatedAt: new Date() };
    if (next === 'sent' || next === 'delivered' || next === 'read' || next === 'played')
      changes.sentAt = chat.sentAt ?? at;
    if (next === 'delivered' || next === 'read' || next === 'played')
      changes.deliveredAt = chat.deliveredAt ?? at;
    if (next === 'read' || next === 'played') changes.readAt = chat.readAt ?? at;
    if (next === 'failed' && update.error) {
      changes.metadata = JSON.stringify({ ...parseMetadata(chat.metadata), error: update.error });
    }
    // Only from a status this one follows: a concurrent update that got further first wins.
    const from = MESSAGE_STATUSES.filter((status) => isForwardStatus(status, next));
    const query = this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set(changes)
      .where('id = :id', { id: chat.id });
    if (isForwardStatus('pending', next)) {
      query.andWhere('(message_status IN (:...from) OR message_status IS NULL)', { from });
    } else {
      query.andWhere('message_status IN (:...from)', { from });
    }
    const result = await query.execute();
    if (!result.affected) return false;
    await broadcastMessageStatus(this.broadcaster, chat, update.provider_message_id, next);
    return true;
  }

  /** The sender edited the text: the row shows the new text and when it was edited. */
  async applyEdit(session: SessionRef, edit: NormalizedEdit): Promise<boolean> {
    const chat = await this.findChat(session, edit.provider_message_id);
    if (!chat) return false;
    const metadata = parseMetadata(chat.metadata);
    await this.updateMetadata(chat, {
      ...metadata,
      body: edit.body,
      edited_at: new Date().toISOString(),
    });
    return true;
  }

  /** Deleted for everyone: the text and media go, the row stays as "this message was deleted". */
  async applyRevoke(session: SessionRef, revoke: NormalizedRevoke): Promise<boolean> {
    const chat = await this.findChat(session, revoke.provider_message_id);
    if (!chat) return false;
    const metadata = parseMetadata(chat.metadata);
    await this.updateMetadata(chat, {
      ...metadata,
      body: '',
      has_media: false,
      media: null,
      revoked: true,
      revoked_at: new Date().toISOString(),
    });
    return true;
  }

  /**
   * One transaction for a batch: skip messages already stored (or repeated in the batch), find
   * or create their contacts, insert the chat rows in one statement, upsert each contact's link to
   * the number and move each contact's unread count and times once for all its messages, and
   * the number's unread count once for the batch.
   */
  private async storeMany(
    manager: EntityManager,
    session: SessionRef,
    batch: Incoming[],
  ): Promise<Stored[]> {
    const chats = manager.getRepository(Chat);
    const wamIds = [...new Set(batch.map((item) => item.message.provider_message_id))];
    const existing = new Map(
      (
        await chats.find({
          where: { whatsappSessionId: session.id, wamId: In(wamIds) },
          select: { id: true, contactId: true, wamId: true },
        })
      ).map((chat) => [chat.wamId!, chat]),
    );
    const fresh: Incoming[] = [];
    const seen = new Set<string>();
    for (const item of batch) {
      const wamId = item.message.provider_message_id;
      if (existing.has(wamId) || seen.has(wamId)) continue;
      seen.add(wamId);
      fresh.push(item);
    }
    if (fresh.length > 0) {
      // First, before any chat row: inserting one takes a shared lock on the number's row (its
      // foreign key), which an exclusive lock taken later would turn into a deadlock with
      // another message for the same number. Mark-read locks the numbers first too.
      const unread = fresh.filter((item) => item.message.direction === 'inbound').length;
      await manager.query(
        'UPDATE whatsapp_sessions SET unread_messages = unread_messages + ? WHERE id = ?',
        [unread, session.id],
      );
    }
    const contacts = fresh.length > 0 ? await this.upsertContacts(manager, session, fresh) : [];
    const contactByItem = new Map(fresh.map((item, i) => [item, contacts[i]!]));
    const contactOf = (item: Incoming) => contactByItem.get(item)!;

    const now = new Date();
    // Per contact: its messages' count, time span and unread, applied once.
    const perContact = new Map<
      number,
      { contact: Contact; count: number; unread: number; first: Date; last: Date }
    >();
    for (const item of fresh) {
      const contact = contactOf(item);
      const entry = perContact.get(contact.id) ?? {
        contact,
        count: 0,
        unread: 0,
        first: item.createdAt,
        last: item.createdAt,
      };
      entry.count += 1;
      if (item.message.direction === 'inbound') entry.unread += 1;
      entry.first = earliest(entry.first, item.createdAt);
      entry.last = latest(entry.last, item.createdAt);
      perContact.set(contact.id, entry);
    }
    // In id order, so two batches touching the same contacts lock them in the same order.
    const entries = [...perContact.values()].sort((a, b) => a.contact.id - b.contact.id);
    if (entries.length > 0) {
      // One statement for every contact of the batch: unread count and latest message time.
      // Before the chat rows, whose foreign key would take a shared lock on each contact first.
      const cases = (value: (entry: (typeof entries)[number]) => unknown, otherwise: string) => ({
        sql: `CASE id ${entries.map(() => 'WHEN ? THEN ?').join(' ')} ELSE ${otherwise} END`,
        params: entries.flatMap((entry) => [entry.contact.id, value(entry)]),
      });
      const unread = cases((entry) => entry.unread, '0');
      const lastMessage = cases(
        (entry) => this.time(latest(entry.contact.lastMessageAt, entry.last)),
        'last_message_at',
      );
      const latestChat = cases(
        (entry) => this.time(latest(entry.contact.latestChatCreatedAt, entry.last)),
        'latest_chat_created_at',
      );
      await manager.query(
        `UPDATE contacts SET unread_messages = unread_messages + ${unread.sql}, ` +
          `last_message_at = ${lastMessage.sql}, latest_chat_created_at = ${latestChat.sql} ` +
          `WHERE id IN (${entries.map(() => '?').join(', ')})`,
        [
          ...unread.params,
          ...lastMessage.params,
          ...latestChat.params,
          ...entries.map((entry) => entry.contact.id),
        ],
      );
    }
    const rows = fresh.map((item) => {
      const { message, identity, createdAt } = item;
      const inbound = message.direction === 'inbound';
      return chats.create({
        uuid: randomUUID(),
        workspaceId: session.workspaceId,
        whatsappSessionId: session.id,
        wamId: message.provider_message_id,
        contactId: contactOf(item).id,
        userId: null,
        type: message.direction,
        metadata: JSON.stringify(chatMetadata(message)),
        status: inbound ? 'received' : message.status,
        messageStatus: message.status,
        isRead: !inbound,
        providerType: message.provider,
        chatType: identity.type === 'group' ? 'group' : 'private',
        sentAt: !inbound && isForwardStatus('pending', message.status) ? createdAt : null,
        deliveredAt: null,
        readAt: null,
        createdAt,
        updatedAt: now,
        deletedAt: null,
      });
    });
    if (rows.length === 1) {
      // One row: the driver's insert id is its id (no re-read of the defaults either).
      const result = await chats
        .createQueryBuilder()
        .insert()
        .values(rows)
        .updateEntity(false)
        .execute();
      rows[0]!.id = insertedId(result);
    } else if (rows.length > 1) {
      await chats.createQueryBuilder().insert().values(rows).updateEntity(false).execute();
      // Read the ids back by the unique key: a multi-row INSERT reports only its first id, and
      // concurrent inserts may interleave the rest.
      const ids = new Map(
        (
          await chats.find({
            where: { whatsappSessionId: session.id, wamId: In(rows.map((row) => row.wamId!)) },
            select: { id: true, wamId: true },
          })
        ).map((chat) => [chat.wamId!, Number(chat.id)]),
      );
      for (const row of rows) row.id = ids.get(row.wamId!)!;
    }

    await this.upsertContactSessions(manager, session.id, entries, now);
    if (entries.length > 0) {
      const counted = await manager.getRepository(Contact).find({
        where: { id: In(entries.map((entry) => entry.contact.id)) },
        select: { id: true, unreadMessages: true },
      });
      for (const row of counted) {
        const entry = perContact.get(Number(row.id));
        if (entry) entry.contact.unreadMessages = Number(row.unreadMessages);
      }
    }

    const firstOf = new Map<string, Chat>();
    return batch.map((item): Stored => {
      const wamId = item.message.provider_message_id;
      const before = existing.get(wamId);
      if (before) {
        return {
          outcome: 'duplicate',
          chat_id: Number(before.id),
          contact_id: Number(before.contactId),
        };
      }
      const index = fresh.indexOf(item);
      if (index === -1) {
        const first = firstOf.get(wamId)!;
        return { outcome: 'duplicate', chat_id: first.id, contact_id: Number(first.contactId) };
      }
      firstOf.set(wamId, rows[index]!);
      return { outcome: 'stored', chat: rows[index]!, contact: contactOf(item) };
    });
  }

  /**
   * The contact of each message (in order): found by phone or WhatsApp id in one query each,
   * those missing created in one INSERT; a soft-deleted contact comes back, a nameless one takes
   * the customer's profile name.
   */
  private async upsertContacts(
    manager: EntityManager,
    session: SessionRef,
    items: Incoming[],
  ): Promise<Contact[]> {
    const contacts = manager.getRepository(Contact);
    const workspaceId = session.workspaceId;
    const keyOf = (identity: ContactIdentity) =>
      identity.phone === null ? `id:${identity.whatsappId}` : `phone:${identity.phone}`;
    const load = async () => {
      const phones = [...new Set(items.flatMap((item) => item.identity.phone ?? []))];
      const whatsappIds = [
        ...new Set(
          items.flatMap((item) => (item.identity.phone === null ? item.identity.whatsappId : [])),
        ),
      ];
      // Soft-deleted contacts still hold Blazz's unique (workspace_id, phone) key.
      const found = [
        ...(phones.length > 0
          ? await contacts.find({ where: { workspaceId, phone: In(phones) }, withDeleted: true })
          : []),
        ...(whatsappIds.length > 0
          ? await contacts.find({
              where: { workspaceId, whatsappId: In(whatsappIds) },
              withDeleted: true,
            })
          : []),
      ];
      const byKey = new Map<string, Contact>();
      for (const contact of found) {
        contact.id = Number(contact.id);
        const key =
          contact.phone !== null && phones.includes(contact.phone)
            ? `phone:${contact.phone}`
            : `id:${contact.whatsappId}`;
        if (!byKey.has(key)) byKey.set(key, contact);
      }
      return byKey;
    };
    // The customer's own profile name, never a group participant's or the business's.
    const profileNameOf = (item: Incoming) =>
      item.message.direction === 'inbound' && item.identity.type === 'individual'
        ? item.message.sender_name
        : null;

    let byKey = await load();
    const missing = new Map<string, Contact>();
    for (const item of items) {
      const key = keyOf(item.identity);
      const name = profileNameOf(item);
      const pending = missing.get(key);
      if (pending) {
        pending.firstName ??= name;
        continue;
      }
      if (byKey.has(key)) continue;
      missing.set(
        key,
        contacts.create({
          uuid: randomUUID(),
          workspaceId,
          firstName: name,
          lastName: null,
          phone: item.identity.phone,
          whatsappId: item.identity.whatsappId,
          type: item.identity.type,
          email: null,
          createdBy: 0,
          unreadMessages: 0,
          lastMessageAt: null,
          latestChatCreatedAt: null,
        }),
      );
    }
    if (missing.size > 0) {
      await contacts.insert([...missing.values()]);
      byKey = await load();
    }

    const changed = new Set<Contact>();
    for (const item of items) {
      const contact = byKey.get(keyOf(item.identity))!;
      if (missing.has(keyOf(item.identity))) continue;
      // A customer who writes again comes back to the inbox.
      if (contact.deletedAt) {
        contact.deletedAt = null;
        changed.add(contact);
      }
      const name = profileNameOf(item);
      if (!contact.firstName && !contact.lastName && name) {
        contact.firstName = name;
        changed.add(contact);
      }
    }
    for (const contact of changed) {
      await manager
        .createQueryBuilder()
        .update(Contact)
        .set({ deletedAt: contact.deletedAt, firstName: contact.firstName })
        .where('id = :id', { id: contact.id })
        .execute();
    }
    return items.map((item) => byKey.get(keyOf(item.identity))!);
  }

  /**
   * Each contact's link to the number, created with its first messages or moved on: one upsert
   * on the unique (contact_id, whatsapp_session_id) for the whole batch.
   */
  private async upsertContactSessions(
    manager: EntityManager,
    sessionId: number,
    entries: Array<{ contact: Contact; count: number; first: Date; last: Date }>,
    now: Date,
  ): Promise<void> {
    if (entries.length === 0) return;
    const updatedAt = this.time(now);
    const params = entries.flatMap((entry) => [
      entry.contact.id,
      sessionId,
      this.time(entry.first),
      this.time(entry.last),
      entry.count,
      updatedAt,
      updatedAt,
    ]);
    const insert =
      'INSERT INTO contact_sessions (contact_id, whatsapp_session_id, first_interaction_at, ' +
      'last_interaction_at, total_messages, created_at, updated_at) VALUES ' +
      entries.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
    if (this.isSqlite()) {
      await manager.query(
        `${insert} ON CONFLICT (contact_id, whatsapp_session_id) DO UPDATE SET ` +
          'total_messages = total_messages + excluded.total_messages, ' +
          'first_interaction_at = MIN(COALESCE(first_interaction_at, excluded.first_interaction_at), excluded.first_interaction_at), ' +
          'last_interaction_at = MAX(COALESCE(last_interaction_at, excluded.last_interaction_at), excluded.last_interaction_at), ' +
          'updated_at = excluded.updated_at',
        params,
      );
      return;
    }
    await manager.query(
      `${insert} ON DUPLICATE KEY UPDATE ` +
        'total_messages = total_messages + VALUES(total_messages), ' +
        'first_interaction_at = LEAST(COALESCE(first_interaction_at, VALUES(first_interaction_at)), VALUES(first_interaction_at)), ' +
        'last_interaction_at = GREATEST(COALESCE(last_interaction_at, VALUES(last_interaction_at)), VALUES(last_interaction_at)), ' +
        'updated_at = VALUES(updated_at)',
      params,
    );
  }

  /** A time as the driver stores a DATETIME: SQLite's UTC text, MySQL's Date. */
  private time(value: Date): unknown {
    if (!this.isSqlite()) return value;
    return DateUtils.mixedDateToUtcDatetimeString(value);
  }

  private isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }

  private async announce(
    session: SessionRef,
    message: NormalizedMessage,
    chat: Chat,
    contact: Contact,
  ): Promise<void> {
    const realtimeContact: RealtimeContact = {
      id: contact.id,
      uuid: contact.uuid,
      name: displayName(contact),
      phone: contact.phone,
      avatar: null,
      unread_messages: contact.unreadMessages,
    };
    const realtimeMessage: RealtimeMessage = {
      id: chat.id,
      uuid: chat.uuid,
      contact_id: contact.id,
      session_uuid: session.uuid,
      provider_message_id: message.provider_message_id,
      direction: message.direction,
      type: message.type,
      status: message.status,
      body: message.body,
      from_me: message.direction === 'outbound',
      // Media bytes stay with the provider; the stored metadata says what there is.
      media: null,
      user_id: null,
      created_at: chat.createdAt.toISOString(),
    };
    await this.broadcaster.broadcast(
      [
        workspaceChannel(session.workspaceId),
        workspaceChatChannel(session.workspaceId, contact.id),
      ],
      RealtimeEvent.MESSAGE_RECEIVED,
      {
        workspace_id: session.workspaceId,
        contact: realtimeContact,
        message: realtimeMessage,
        at: new Date().toISOString(),
      },
    );
  }

  private findChat(session: SessionRef, providerMessageId: string): Promise<Chat | null> {
    return this.dataSource.getRepository(Chat).findOne({
      where: { whatsappSessionId: session.id, wamId: providerMessageId },
    });
  }

  private async updateMetadata(chat: Chat, metadata: Record<string, unknown>): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set({ metadata: JSON.stringify(metadata), updatedAt: new Date() })
      .where('id = :id', { id: chat.id })
      .execute();
  }

  private retrying<T>(work: () => Promise<T>): Promise<T> {
    return retryLostRaces(work, MAX_ATTEMPTS, (attempt) =>
      this.logger.debug(`message transaction lost a race, attempt ${attempt}`),
    );
  }
}

/**
 * The contact a conversation belongs to. Phone ids become E.164; groups and privacy ids (`@lid`)
 * keep their WhatsApp id and never become a phone; broadcasts and channels are no conversation.
 */
export function contactIdentity(party: WhatsAppParty): ContactIdentity | null {
  switch (party.kind) {
    case 'phone': {
      const phone = party.phone ? toE164(`+${party.phone}`) : null;
      return phone
        ? { phone, whatsappId: null, type: 'individual' }
        : { phone: null, whatsappId: party.id, type: 'individual' };
    }
    case 'lid':
      return { phone: null, whatsappId: party.id, type: 'individual' };
    case 'group':
      return { phone: null, whatsappId: party.id, type: 'group' };
    case 'broadcast':
    case 'newsletter':
    case 'other':
      return null;
  }
}

/** The `chats.metadata` JSON, in Blazz's keys. */
export function chatMetadata(message: NormalizedMessage): Record<string, unknown> {
  return {
    body: message.body,
    type: message.type,
    provider_message_type: message.provider_type,
    has_media: message.media !== null,
    media: message.media,
    from: message.sender.id,
    to: message.direction === 'inbound' ? null : message.conversation.id,
    timestamp: message.timestamp,
    sender_phone: message.sender.phone ? `+${message.sender.phone}` : null,
    sender_name: message.sender_name,
    is_group: message.conversation.kind === 'group',
    quoted_message_id: message.quoted_message_id,
    provider: message.provider,
    ...(message.source === 'phone' ? { device_source: 'mobile' } : {}),
    ...(message.extra ?? {}),
  };
}

function displayName(contact: Contact): string {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ').trim();
  return name || contact.phone || contact.whatsappId || '';
}

function parseMetadata(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : { legacy: value };
  } catch {
    return { legacy: text };
  }
}

/** The provider's time for the message, unless it is missing or ahead of our clock. */
function messageTime(unixSeconds: number): Date {
  const now = Date.now();
  const ms = unixSeconds * 1000;
  return ms > 0 && ms <= now + MAX_CLOCK_SKEW_MS ? new Date(ms) : new Date(now);
}

function latest(current: Date | null, candidate: Date): Date {
  return current && new Date(current).getTime() > candidate.getTime()
    ? new Date(current)
    : candidate;
}

function earliest(current: Date | null, candidate: Date): Date {
  return current && new Date(current).getTime() < candidate.getTime()
    ? new Date(current)
    : candidate;
}
