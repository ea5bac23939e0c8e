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
import { QueryFailedError, type DataSource, type EntityManager } from 'typeorm';
import { SerialQueue } from '../common/serial-queue';
import { isUniqueViolation } from '../database/unique-violation';
import { Contact } from '../inbox/contact.entity';
import { toE164 } from '../inbox/phone-number';
import { BroadcasterService } from '../realtime/broadcaster.service';
import { Chat } from './chat.entity';
import { ContactSession } from './contact-session.entity';

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
  /** SQLite has one connection: its message transactions go one at a time. */
  private readonly sqliteWrites = new SerialQueue<'sqlite'>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly broadcaster: BroadcasterService,
  ) {}

  async ingest(session: SessionRef, message: NormalizedMessage): Promise<MessageIngestOutcome> {
    const identity = contactIdentity(message.conversation);
    if (!identity) return { outcome: 'ignored', reason: `${message.conversation.kind} chat` };
    const createdAt = messageTime(message.timestamp);
    const stored = await this.retrying(() =>
      this.serialized(() =>
        this.dataSource.transaction((manager) =>
          this.store(manager, session, message, identity, createdAt),
        ),
      ),
    );
    if (stored.outcome === 'stored') {
      await this.announce(session, message, stored.chat, stored.contact);
      return { outcome: 'stored', chat_id: stored.chat.id, contact_id: stored.contact.id };
    }
    return stored;
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
    const workspaceId = Number(chat.workspaceId);
    const contactId = Number(chat.contactId);
    await this.broadcaster.broadcast(
      [workspaceChannel(workspaceId), workspaceChatChannel(workspaceId, contactId)],
      RealtimeEvent.MESSAGE_STATUS_UPDATED,
      {
        workspace_id: workspaceId,
        contact_id: contactId,
        message_id: Number(chat.id),
        provider_message_id: update.provider_message_id,
        status: next,
        at: new Date().toISOString(),
      },
    );
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

  private async store(
    manager: EntityManager,
    session: SessionRef,
    message: NormalizedMessage,
    identity: ContactIdentity,
    createdAt: Date,
  ): Promise<
    | { outcome: 'stored'; chat: Chat; contact: Contact }
    | Extract<MessageIngestOutcome, { outcome: 'duplicate' }>
  > {
    const chats = manager.getRepository(Chat);
    const existing = await chats.findOne({
      where: { whatsappSessionId: session.id, wamId: message.provider_message_id },
      select: { id: true, contactId: true },
    });
    if (existing) {
      return {
        outcome: 'duplicate',
        chat_id: Number(existing.id),
        contact_id: Number(existing.contactId),
      };
    }
    const inbound = message.direction === 'inbound';
    const contact = await this.upsertContact(manager, session, identity, message);
    const now = new Date();
    const chat = chats.create({
      uuid: randomUUID(),
      workspaceId: session.workspaceId,
      whatsappSessionId: session.id,
      wamId: message.provider_message_id,
      contactId: contact.id,
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
    const { identifiers } = await chats.insert(chat);
    chat.id = Number((identifiers[0] as { id: number | string }).id);

    await this.upsertContactSession(manager, contact.id, session.id, createdAt);
    await manager
      .createQueryBuilder()
      .update(Contact)
      .set({
        ...(inbound ? { unreadMessages: () => 'unread_messages + 1' } : {}),
        lastMessageAt: latest(contact.lastMessageAt, createdAt),
        latestChatCreatedAt: latest(contact.latestChatCreatedAt, createdAt),
      })
      .where('id = :id', { id: contact.id })
      .execute();
    const counted = await manager.getRepository(Contact).findOneOrFail({
      where: { id: contact.id },
      select: { id: true, unreadMessages: true },
    });
    contact.unreadMessages = Number(counted.unreadMessages);
    return { outcome: 'stored', chat, contact };
  }

  private async upsertContact(
    manager: EntityManager,
    session: SessionRef,
    identity: ContactIdentity,
    message: NormalizedMessage,
  ): Promise<Contact> {
    const contacts = manager.getRepository(Contact);
    const workspaceId = session.workspaceId;
    // Soft-deleted contacts still hold Blazz's unique (workspace_id, phone) key.
    const found = await contacts.findOne({
      where:
        identity.phone === null
          ? { workspaceId, whatsappId: identity.whatsappId }
          : { workspaceId, phone: identity.phone },
      withDeleted: true,
    });
    // The customer's own profile name, never a group participant's or the business's.
    const profileName =
      message.direction === 'inbound' && identity.type === 'individual'
        ? message.sender_name
        : null;
    if (!found) {
      const created = contacts.create({
        uuid: randomUUID(),
        workspaceId,
        firstName: profileName,
        lastName: null,
        phone: identity.phone,
        whatsappId: identity.whatsappId,
        type: identity.type,
        email: null,
        createdBy: 0,
        unreadMessages: 0,
        lastMessageAt: null,
        latestChatCreatedAt: null,
      });
      await contacts.insert(created);
      created.id = Number(created.id);
      return created;
    }
    found.id = Number(found.id);
    const changes: Partial<Contact> = {};
    // A customer who writes again comes back to the inbox.
    if (found.deletedAt) changes.deletedAt = null;
    if (!found.firstName && !found.lastName && profileName) changes.firstName = profileName;
    if (Object.keys(changes).length > 0) {
      await manager
        .createQueryBuilder()
        .update(Contact)
        .set(changes)
        .where('id = :id', { id: found.id })
        .execute();
      Object.assign(found, changes);
    }
    return found;
  }

  private async upsertContactSession(
    manager: EntityManager,
    contactId: number,
    sessionId: number,
    at: Date,
  ): Promise<void> {
    const links = manager.getRepository(ContactSession);
    const link = await links.findOne({ where: { contactId, whatsappSessionId: sessionId } });
    const now = new Date();
    if (!link) {
      await links.insert({
        contactId,
        whatsappSessionId: sessionId,
        firstInteractionAt: at,
        lastInteractionAt: at,
        totalMessages: 1,
        createdAt: now,
        updatedAt: now,
      });
      return;
    }
    await manager
      .createQueryBuilder()
      .update(ContactSession)
      .set({
        totalMessages: () => 'total_messages + 1',
        firstInteractionAt: earliest(link.firstInteractionAt, at),
        lastInteractionAt: latest(link.lastInteractionAt, at),
        updatedAt: now,
      })
      .where('id = :id', { id: link.id })
      .execute();
  }

  private async announce(
    session: SessionRef,
    message: NormalizedMessage,
    chat: Chat,
    contact: Contact,
  ): Promise<void> {
    const realtimeContact: RealtimeContact = {
      id: contact.id,
      name: displayName(contact),
      phone: contact.phone,
      avatar: null,
      unread_messages: contact.unreadMessages,
    };
    const realtimeMessage: RealtimeMessage = {
      id: chat.id,
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

  /**
   * SQLite runs on one shared connection, where a second transaction started before the first
   * ends would nest inside it; one message at a time there. MySQL gives each its own connection.
   */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    if (this.dataSource.options.type !== 'better-sqlite3') return work();
    return this.sqliteWrites.run('sqlite', work);
  }

  private async retrying<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isLostRace(error)) throw error;
        this.logger.debug(`message transaction lost a race, attempt ${attempt + 1}`);
      }
    }
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

const LOST_RACE_CODES = new Set(['ER_LOCK_DEADLOCK', 'SQLITE_BUSY']);

function isLostRace(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && LOST_RACE_CODES.has(code);
}
