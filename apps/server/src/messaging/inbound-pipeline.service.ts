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
import { GroupCommit } from '../common/group-commit';
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
  /** The number it came through. */
  session: SessionRef;
  message: NormalizedMessage;
  identity: ContactIdentity;
  createdAt: Date;
}

/** A stored chat's id, found by its number and provider message id. */
interface StoredChatId {
  id: number;
  contactId: number;
  sessionId: number;
  wamId: string;
}

/** How a batch moves one contact's link to one number. */
interface ContactLinkChange {
  contactId: number;
  sessionId: number;
  count: number;
  first: Date;
  last: Date;
}

type Stored =
  | { outcome: 'stored'; chat: Chat; contact: Contact }
  | Extract<MessageIngestOutcome, { outcome: 'duplicate' }>;

/** Transactions that lost a race (a unique key taken meanwhile, a deadlock) are run again. */
const MAX_ATTEMPTS = 4;
/** Messages one transaction takes at most when deliveries wait for each other. */
const GROUP_COMMIT_MAX_MESSAGES = 500;
/**
 * Transactions of one workspace at the same time: two keep the database busy while this process
 * prepares the next batch (one alone ingested 10 % slower); more only wait on the same rows.
 */
const GROUP_COMMIT_RUNNING = 2;
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

  private readonly commits = new GroupCommit<Incoming, Stored>(
    (deliveries) => this.storeDeliveries(deliveries),
    GROUP_COMMIT_MAX_MESSAGES,
    GROUP_COMMIT_RUNNING,
  );

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
   * for the whole batch, not per message); outcomes in the order given. Deliveries to the same
   * workspace that arrive while its transactions run share the next one (group commit).
   * The agents hear of each stored message after commit, in that order.
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
      batch.push({ index, session, message, identity, createdAt: messageTime(message.timestamp) });
    }
    if (batch.length === 0) return outcomes;
    const stored = await this.commits.submit(String(session.workspaceId), batch);
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

  /** One transaction for every waiting delivery of a workspace; each delivery's results apart. */
  private storeDeliveries(deliveries: Incoming[][]): Promise<Stored[][]> {
    return this.retrying(() =>
      this.transactions.run(async (manager) => {
        const stored = await this.storeMany(manager, deliveries.flat());
        let offset = 0;
        return deliveries.map((delivery) => {
          offset += delivery.length;
          return stored.slice(offset - delivery.length, offset);
        });
      }),
    );
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
   * One transaction for a batch of one workspace's messages, through any of its numbers: skip
   * messages already stored (or repeated in the batch), find or create their contacts, insert the
   * chat rows in one statement, upsert each contact's link to each number, and move the unread
   * counts and times of each contact and each number once for all their messages.
   */
  private async storeMany(manager: EntityManager, batch: Incoming[]): Promise<Stored[]> {
    const chats = manager.getRepository(Chat);
    const keyOf = (sessionId: number, wamId: string) => `${sessionId}:${wamId}`;
    const itemKey = (item: Incoming) => keyOf(item.session.id, item.message.provider_message_id);
    const existing = new Map(
      (await this.findChatIds(manager, batch)).map((row) => [keyOf(row.sessionId, row.wamId), row]),
    );
    const fresh: Incoming[] = [];
    const seen = new Set<string>();
    for (const item of batch) {
      const key = itemKey(item);
      if (existing.has(key) || seen.has(key)) continue;
      seen.add(key);
      fresh.push(item);
    }
    if (fresh.length === 0) return this.outcomes(batch, existing, [], new Map());

    // First, before any chat row: inserting one takes a shared lock on its number's row (the
    // foreign key), which an exclusive lock taken later would turn into a deadlock with another
    // transaction for the same number. Mark-read locks the numbers first too, in id order.
    const unreadPerNumber = new Map<number, number>();
    for (const item of fresh) {
      if (item.message.direction !== 'inbound') continue;
      unreadPerNumber.set(item.session.id, (unreadPerNumber.get(item.session.id) ?? 0) + 1);
    }
    const numbers = [...unreadPerNumber].sort(([a], [b]) => a - b);
    if (numbers.length > 0) {
      await manager.query(
        'UPDATE whatsapp_sessions SET unread_messages = unread_messages + CASE id ' +
          `${numbers.map(() => 'WHEN ? THEN ?').join(' ')} ELSE 0 END ` +
          `WHERE id IN (${numbers.map(() => '?').join(', ')})`,
        [...numbers.flat(), ...numbers.map(([id]) => id)],
      );
    }
    const contacts = await this.upsertContacts(manager, fresh[0]!.session.workspaceId, fresh);
    const contactByItem = new Map(fresh.map((item, i) => [item, contacts[i]!]));
    const contactOf = (item: Incoming) => contactByItem.get(item)!;

    const now = new Date();
    // Per contact: its unread messages and latest time, applied once. Per contact and number:
    // the link's message count and time span.
    const perContact = new Map<number, { contact: Contact; unread: number; last: Date }>();
    const perLink = new Map<string, ContactLinkChange>();
    for (const item of fresh) {
      const contact = contactOf(item);
      const entry = perContact.get(contact.id) ?? { contact, unread: 0, last: item.createdAt };
      if (item.message.direction === 'inbound') entry.unread += 1;
      entry.last = latest(entry.last, item.createdAt);
      perContact.set(contact.id, entry);
      const linkKey = `${contact.id}:${item.session.id}`;
      const link = perLink.get(linkKey) ?? {
        contactId: contact.id,
        sessionId: item.session.id,
        count: 0,
        first: item.createdAt,
        last: item.createdAt,
      };
      link.count += 1;
      link.first = earliest(link.first, item.createdAt);
      link.last = latest(link.last, item.createdAt);
      perLink.set(linkKey, link);
    }
    // In id order, so two batches touching the same contacts lock them in the same order.
    const entries = [...perContact.values()].sort((a, b) => a.contact.id - b.contact.id);
    // One statement for every contact of the batch: unread count and latest message time. Before
    // the chat rows, whose foreign key would take a shared lock on each contact first.
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

    const rows = fresh.map((item) => {
      const { message, identity, createdAt, session } = item;
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
    const result = await chats
      .createQueryBuilder()
      .insert()
      .values(rows)
      .updateEntity(false)
      .execute();
    if (rows.length === 1) {
      // One row: the driver's insert id is its id (no re-read of the defaults either).
      rows[0]!.id = insertedId(result);
    } else {
      // Read the ids back by the unique key: a multi-row INSERT reports only its first id, and
      // concurrent inserts may interleave the rest.
      const ids = new Map(
        (await this.findChatIds(manager, fresh)).map((row) => [
          keyOf(row.sessionId, row.wamId),
          row.id,
        ]),
      );
      fresh.forEach((item, i) => (rows[i]!.id = ids.get(itemKey(item))!));
    }

    await this.upsertContactSessions(
      manager,
      [...perLink.values()].sort((a, b) => a.contactId - b.contactId || a.sessionId - b.sessionId),
      now,
    );
    const counted = await manager.getRepository(Contact).find({
      where: { id: In(entries.map((entry) => entry.contact.id)) },
      select: { id: true, unreadMessages: true },
    });
    for (const row of counted) {
      const entry = perContact.get(Number(row.id));
      if (entry) entry.contact.unreadMessages = Number(row.unreadMessages);
    }
    return this.outcomes(
      batch,
      existing,
      fresh,
      new Map(fresh.map((item, i) => [item, { chat: rows[i]!, contact: contactOf(item) }])),
    );
  }

  /** Each message's outcome, in batch order: stored, or a duplicate of the row that has its id. */
  private outcomes(
    batch: Incoming[],
    existing: Map<string, StoredChatId>,
    fresh: Incoming[],
    stored: Map<Incoming, { chat: Chat; contact: Contact }>,
  ): Stored[] {
    const freshSet = new Set(fresh);
    const firstOf = new Map<string, Chat>();
    return batch.map((item): Stored => {
      const key = `${item.session.id}:${item.message.provider_message_id}`;
      const before = existing.get(key);
      if (before) {
        return { outcome: 'duplicate', chat_id: before.id, contact_id: before.contactId };
      }
      if (!freshSet.has(item)) {
        const first = firstOf.get(key)!;
        return { outcome: 'duplicate', chat_id: first.id, contact_id: Number(first.contactId) };
      }
      const { chat, contact } = stored.get(item)!;
      firstOf.set(key, chat);
      return { outcome: 'stored', chat, contact };
    });
  }

  /** The stored chats among the items' (number, provider message id) pairs: one query. */
  private async findChatIds(manager: EntityManager, items: Incoming[]): Promise<StoredChatId[]> {
    const wamIdsPerNumber = new Map<number, Set<string>>();
    for (const item of items) {
      const ids = wamIdsPerNumber.get(item.session.id) ?? new Set<string>();
      ids.add(item.message.provider_message_id);
      wamIdsPerNumber.set(item.session.id, ids);
    }
    const groups = [...wamIdsPerNumber];
    const rows = await manager.query<
      Array<{
        id: number | string;
        contact_id: number | string;
        session_id: number | string;
        wam_id: string;
      }>
    >(
      'SELECT id, contact_id, whatsapp_session_id AS session_id, wam_id FROM chats WHERE ' +
        groups
          .map(
            ([, ids]) =>
              `(whatsapp_session_id = ? AND wam_id IN (${[...ids].map(() => '?').join(', ')}))`,
          )
          .join(' OR '),
      groups.flatMap(([sessionId, ids]) => [sessionId, ...ids]),
    );
    return rows.map((row) => ({
      id: Number(row.id),
      contactId: Number(row.contact_id),
      sessionId: Number(row.session_id),
      wamId: row.wam_id,
    }));
  }

  /**
   * The contact of each message (in order): found by phone or WhatsApp id in one query each,
   * those missing created in one INSERT; a soft-deleted contact comes back, a nameless one takes
   * the customer's profile name.
   */
  private async upsertContacts(
    manager: EntityManager,
    workspaceId: number,
    items: Incoming[],
  ): Promise<Contact[]> {
    const contacts = manager.getRepository(Contact);
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
   * Each contact's link to each number, created with its first messages or moved on: one upsert
   * on the unique (contact_id, whatsapp_session_id) for the whole batch.
   */
  private async upsertContactSessions(
    manager: EntityManager,
    links: ContactLinkChange[],
    now: Date,
  ): Promise<void> {
    const updatedAt = this.time(now);
    const params = links.flatMap((link) => [
      link.contactId,
      link.sessionId,
      this.time(link.first),
      this.time(link.last),
      link.count,
      updatedAt,
      updatedAt,
    ]);
    const insert =
      'INSERT INTO contact_sessions (contact_id, whatsapp_session_id, first_interaction_at, ' +
      'last_interaction_at, total_messages, created_at, updated_at) VALUES ' +
      links.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ');
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
