import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  countryCallingCode,
  MESSAGE_PREVIEW_LENGTH,
  RealtimeEvent,
  workspaceChannel,
  workspaceChatChannel,
  type ContactNumberView,
  type ConversationView,
  type InboxMessageView,
  type MarkConversationReadResult,
  type NumberUnreadView,
  type Page,
  type MessageDirection,
  type MessageStatus,
  type ProviderType,
  type SessionStatus,
} from '@switchboard/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../common/app.exception';
import { BroadcasterService } from '../realtime/broadcaster.service';
import { dbDate, dbDateOrNull } from '../database/db-date';
import { retryLostRaces } from '../database/lost-race';
import { TransactionRunner } from '../database/transaction-runner';
import { bodyOf, stringOrNull, toMessageView, type ChatMessageRow } from './message-view';
import { Chat } from '../messaging/chat.entity';
import { parseChatMetadata } from '../messaging/chat-metadata';
import type {
  ListConversationsQuery,
  ListMessagesQuery,
  MarkConversationReadDto,
} from './conversations.dto';

/** A keyset position: the row's time exactly as the driver returned it, and its id. */
interface Position {
  at: string;
  id: number;
}

interface NumberRow {
  id: number;
  uuid: string;
  phone_number: string | null;
  provider_type: ProviderType;
  status: SessionStatus;
}

interface ConversationRow {
  id: number | string;
  contact_id: number | string;
  whatsapp_session_id: number | string;
  activity_at: Date | string;
}

interface ContactRow {
  id: number | string;
  uuid: string;
  first_name: string | null;
  last_name: string | null;
  full_name: string | null;
  phone: string | null;
  whatsapp_id: string | null;
  type: 'individual' | 'group' | null;
}

/** A conversation of a page with its contact, newest message and unread count. */
interface HeadRow extends ContactRow {
  unread: number | string | null;
  contact_type: 'individual' | 'group' | null;
  chat_uuid: string | null;
  chat_direction: MessageDirection | null;
  chat_metadata: string | null;
  chat_status: MessageStatus | null;
  chat_created_at: Date | string | null;
}

interface ChatRow extends ChatMessageRow {
  contact_id: number | string;
}

const CONVERSATION_LIMIT = 30;
const MESSAGE_LIMIT = 50;
/** Mark-read runs again when it deadlocks with an arriving message. */
const MARK_READ_ATTEMPTS = 4;

/**
 * The inbox: conversations (one contact on one number, a `contact_sessions` row) newest activity
 * first, a conversation's messages newest first, and marking them read. Every list pages by
 * keyset — (time, id) of the last row seen — never by offset, so a page costs the same at the end
 * of a long list, and rows inserted meanwhile never shift a page.
 */
@Injectable()
export class ConversationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly broadcaster: BroadcasterService,
  ) {}

  async list(workspaceId: number, query: ListConversationsQuery): Promise<Page<ConversationView>> {
    const limit = query.limit ?? CONVERSATION_LIMIT;
    const after = query.cursor ? this.decodeCursor(query.cursor) : null;
    const numbers = query.session
      ? [await this.findNumber(workspaceId, query.session)]
      : await this.activeNumbers(workspaceId);
    if (numbers.length === 0) return { data: [], next_cursor: null };
    const text = query.search?.trim();
    const search = text
      ? searchCandidates(workspaceId, text, await this.callingCodes(workspaceId))
      : null;

    const rows = search
      ? await this.searchConversations(numbers, search, after, limit + 1)
      : await this.latestConversations(numbers, after, limit + 1);
    const page = rows.slice(0, limit);
    const data = await this.conversationViews(page, numbers);
    const last = page[page.length - 1];
    return {
      data,
      next_cursor:
        rows.length > limit && last ? this.encodeCursor(last.activity_at, last.id) : null,
    };
  }

  /** Each number's unread total, as the pipeline and mark-read keep it: one row read each. */
  async unreadByNumber(workspaceId: number): Promise<NumberUnreadView[]> {
    const rows = await this.dataSource.query<Array<{ uuid: string; unread: number | string }>>(
      'SELECT uuid, unread_messages AS unread FROM whatsapp_sessions ' +
        'WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id',
      [workspaceId],
    );
    return rows.map((row) => ({ session_uuid: row.uuid, unread: Number(row.unread) }));
  }

  async messages(
    workspaceId: number,
    contactUuid: string,
    query: ListMessagesQuery,
  ): Promise<Page<InboxMessageView>> {
    const limit = query.limit ?? MESSAGE_LIMIT;
    const after = query.cursor ? this.decodeCursor(query.cursor) : null;
    const contact = await this.findContact(workspaceId, contactUuid);
    const number = query.session ? await this.findNumber(workspaceId, query.session) : null;
    const where = ['ch.contact_id = ?', 'ch.deleted_at IS NULL'];
    const params: unknown[] = [contact.id];
    if (number) {
      where.push('ch.whatsapp_session_id = ?');
      params.push(number.id);
    }
    if (after) {
      where.push('(ch.created_at < ? OR (ch.created_at = ? AND ch.id < ?))');
      const at = this.positionValue(after);
      params.push(at, at, after.id);
    }
    const rows = await this.dataSource.query<ChatRow[]>(
      `SELECT ${CHAT_COLUMNS} FROM chats ch WHERE ${where.join(' AND ')} ` +
        'ORDER BY ch.created_at DESC, ch.id DESC LIMIT ?',
      [...params, limit + 1],
    );
    const page = rows.slice(0, limit);
    const sessionUuids = await this.sessionUuids(
      page.map((row) => row.whatsapp_session_id).filter((id) => id !== null),
    );
    const last = page[page.length - 1];
    return {
      data: page.map((row) => toMessageView(row, sessionUuids)),
      next_cursor: rows.length > limit && last ? this.encodeCursor(last.created_at, last.id) : null,
    };
  }

  /**
   * Marks the contact's inbound messages read (on one number, or on all), then tells the
   * workspace's other inboxes.
   */
  async markRead(
    workspaceId: number,
    contactUuid: string,
    input: MarkConversationReadDto,
  ): Promise<MarkConversationReadResult> {
    const contact = await this.findContact(workspaceId, contactUuid);
    const number = input.session_uuid
      ? await this.findNumber(workspaceId, input.session_uuid)
      : null;
    const result = await retryLostRaces(
      () => this.transactions.run((manager) => this.markReadIn(manager, contact.id, number?.id)),
      MARK_READ_ATTEMPTS,
    );
    if (result.marked_read > 0) {
      // The other agents' inboxes drop the count too.
      await this.broadcaster.broadcast(
        [workspaceChannel(workspaceId), workspaceChatChannel(workspaceId, contact.id)],
        RealtimeEvent.CONVERSATION_READ,
        {
          workspace_id: workspaceId,
          contact_id: contact.id,
          contact_uuid: contactUuid,
          session_uuid: number?.uuid ?? null,
          ...result,
          at: new Date().toISOString(),
        },
      );
    }
    return result;
  }

  async contactNumbers(workspaceId: number, contactUuid: string): Promise<ContactNumberView[]> {
    const contact = await this.findContact(workspaceId, contactUuid);
    const rows = await this.dataSource.query<
      Array<{
        uuid: string;
        phone_number: string | null;
        provider_type: ProviderType;
        status: SessionStatus;
        first_interaction_at: Date | string | null;
        last_interaction_at: Date | string | null;
        total_messages: number | string;
      }>
    >(
      'SELECT ws.uuid, ws.phone_number, ws.provider_type, ws.status, cs.first_interaction_at, ' +
        'cs.last_interaction_at, cs.total_messages FROM contact_sessions cs ' +
        'JOIN whatsapp_sessions ws ON ws.id = cs.whatsapp_session_id ' +
        'WHERE cs.contact_id = ? AND ws.workspace_id = ? AND ws.deleted_at IS NULL ' +
        'ORDER BY cs.last_interaction_at DESC, cs.id DESC',
      [contact.id, workspaceId],
    );
    return rows.map((row) => ({
      session_uuid: row.uuid,
      phone_number: row.phone_number,
      provider_type: row.provider_type,
      status: row.status,
      first_interaction_at: isoOrNull(row.first_interaction_at),
      last_interaction_at: isoOrNull(row.last_interaction_at),
      total_messages: Number(row.total_messages),
    }));
  }

  /**
   * Without a search: each number's conversations are read newest first from the
   * (whatsapp_session_id, last_interaction_at) index, at most one page each, and merged.
   */
  private latestConversations(
    numbers: NumberRow[],
    after: Position | null,
    take: number,
  ): Promise<ConversationRow[]> {
    const parts: string[] = [];
    const params: unknown[] = [];
    numbers.forEach((number, i) => {
      const where = [
        'cs.whatsapp_session_id = ?',
        'cs.last_interaction_at IS NOT NULL',
        'c.deleted_at IS NULL',
      ];
      params.push(number.id);
      if (after) {
        where.push('(cs.last_interaction_at < ? OR (cs.last_interaction_at = ? AND cs.id < ?))');
        const at = this.positionValue(after);
        params.push(at, at, after.id);
      }
      params.push(take);
      parts.push(
        `SELECT * FROM (SELECT ${CONVERSATION_COLUMNS} FROM contact_sessions cs ` +
          `JOIN contacts c ON c.id = cs.contact_id WHERE ${where.join(' AND ')} ` +
          `ORDER BY cs.last_interaction_at DESC, cs.id DESC LIMIT ?) n${i}`,
      );
    });
    return this.dataSource.query<ConversationRow[]>(
      `${parts.join(' UNION ALL ')} ORDER BY activity_at DESC, id DESC LIMIT ?`,
      [...params, take],
    );
  }

  /**
   * With a search: the workspace's contacts whose name, phone or WhatsApp id starts with the text
   * (each an index range, united), joined to their conversations.
   */
  private searchConversations(
    numbers: NumberRow[],
    search: { sql: string; params: unknown[] },
    after: Position | null,
    take: number,
  ): Promise<ConversationRow[]> {
    const where = [
      'c.deleted_at IS NULL',
      `cs.whatsapp_session_id IN (${numbers.map(() => '?').join(', ')})`,
      'cs.last_interaction_at IS NOT NULL',
    ];
    const params: unknown[] = [...search.params, ...numbers.map((n) => n.id)];
    if (after) {
      where.push('(cs.last_interaction_at < ? OR (cs.last_interaction_at = ? AND cs.id < ?))');
      const at = this.positionValue(after);
      params.push(at, at, after.id);
    }
    return this.dataSource.query<ConversationRow[]>(
      `SELECT ${CONVERSATION_COLUMNS} FROM (${search.sql}) m ` +
        'JOIN contacts c ON c.id = m.id JOIN contact_sessions cs ON cs.contact_id = m.id ' +
        `WHERE ${where.join(' AND ')} ORDER BY cs.last_interaction_at DESC, cs.id DESC LIMIT ?`,
      [...params, take],
    );
  }

  /** The country calling codes of the workspace's numbers: a phone typed without one is in them. */
  private async callingCodes(workspaceId: number): Promise<string[]> {
    const rows = await this.dataSource.query<Array<{ phone_number: string | null }>>(
      'SELECT DISTINCT phone_number FROM whatsapp_sessions WHERE workspace_id = ? AND deleted_at IS NULL',
      [workspaceId],
    );
    const codes = rows.map((row) => countryCallingCode(row.phone_number));
    return [...new Set(codes.filter((code) => code !== null))];
  }

  /**
   * One transaction, taking its locks in the inbound pipeline's order (numbers, contact,
   * messages) so the two never deadlock: per number, its unread messages of the contact are marked
   * and the number's count drops by exactly what that statement marked; the contact's own count
   * is recounted. A message arriving meanwhile is either marked and subtracted, or left unread
   * and counted — never lost, never counted twice.
   */
  private async markReadIn(
    manager: EntityManager,
    contactId: number,
    sessionId: number | undefined,
  ): Promise<MarkConversationReadResult> {
    const sessionIds =
      sessionId !== undefined
        ? [sessionId]
        : (
            await manager.query<Array<{ id: number | string }>>(
              'SELECT DISTINCT whatsapp_session_id AS id FROM chats WHERE contact_id = ? ' +
                "AND type = 'inbound' AND is_read = 0 AND whatsapp_session_id IS NOT NULL " +
                'ORDER BY whatsapp_session_id',
              [contactId],
            )
          ).map((row) => Number(row.id));
    if (!this.isSqlite()) {
      // SQLite runs one transaction at a time; on MySQL the numbers, then the contact, are locked
      // before any message, as the pipeline does.
      if (sessionIds.length > 0) {
        await manager.query(
          `SELECT id FROM whatsapp_sessions WHERE id IN (${sessionIds.map(() => '?').join(', ')}) ` +
            'ORDER BY id FOR UPDATE',
          sessionIds,
        );
      }
      await manager.query('SELECT id FROM contacts WHERE id = ? FOR UPDATE', [contactId]);
    }
    const marking = () =>
      manager
        .createQueryBuilder()
        .update(Chat)
        .set({ isRead: true })
        .where('contact_id = :contactId', { contactId })
        .andWhere("type = 'inbound'")
        .andWhere('is_read = 0');
    const markedPerNumber = new Map<number, number>();
    for (const id of sessionIds) {
      const marked = await marking().andWhere('whatsapp_session_id = :id', { id }).execute();
      if (marked.affected) markedPerNumber.set(id, marked.affected);
    }
    // Messages from before numbers existed belong to no number's count; "all" reads them too.
    const numberless =
      sessionId === undefined
        ? ((await marking().andWhere('whatsapp_session_id IS NULL').execute()).affected ?? 0)
        : 0;

    await manager.query(
      'UPDATE contacts SET unread_messages = (' +
        "SELECT COUNT(*) FROM chats ch WHERE ch.contact_id = ? AND ch.type = 'inbound' " +
        'AND ch.is_read = 0 AND ch.whatsapp_session_id IS NOT NULL' +
        ') WHERE id = ?',
      [contactId, contactId],
    );
    const [counted] = await manager.query<Array<{ n: number | string }>>(
      'SELECT unread_messages AS n FROM contacts WHERE id = ?',
      [contactId],
    );
    for (const [id, marked] of markedPerNumber) {
      await manager.query(
        'UPDATE whatsapp_sessions SET unread_messages = unread_messages - ? WHERE id = ?',
        [marked, id],
      );
    }
    const markedOnNumbers = [...markedPerNumber.values()].reduce((sum, n) => sum + n, 0);
    return { marked_read: markedOnNumbers + numberless, unread_messages: Number(counted?.n ?? 0) };
  }

  private async conversationViews(
    page: ConversationRow[],
    numbers: NumberRow[],
  ): Promise<ConversationView[]> {
    if (page.length === 0) return [];
    // Per conversation, its contact, its newest message and its unread count, in one statement:
    // two index dives per row for the message id and the count, then two primary-key joins.
    const heads = await this.dataSource.query<HeadRow[]>(
      'SELECT h.id AS id, h.unread AS unread, c.uuid AS uuid, c.first_name AS first_name, ' +
        'c.last_name AS last_name, c.full_name AS full_name, c.phone AS phone, ' +
        'c.whatsapp_id AS whatsapp_id, c.type AS contact_type, ch.uuid AS chat_uuid, ' +
        'ch.type AS chat_direction, ch.metadata AS chat_metadata, ' +
        'ch.message_status AS chat_status, ch.created_at AS chat_created_at FROM (' +
        'SELECT cs.id AS id, cs.contact_id AS contact_id, (SELECT ch.id FROM chats ch ' +
        'WHERE ch.contact_id = cs.contact_id AND ch.whatsapp_session_id = cs.whatsapp_session_id ' +
        'AND ch.deleted_at IS NULL ORDER BY ch.created_at DESC, ch.id DESC LIMIT 1) AS chat_id, ' +
        '(SELECT COUNT(*) FROM chats u WHERE u.contact_id = cs.contact_id ' +
        "AND u.type = 'inbound' AND u.is_read = 0 " +
        'AND u.whatsapp_session_id = cs.whatsapp_session_id) AS unread ' +
        `FROM contact_sessions cs WHERE cs.id IN (${page.map(() => '?').join(', ')})) h ` +
        'JOIN contacts c ON c.id = h.contact_id LEFT JOIN chats ch ON ch.id = h.chat_id',
      page.map((row) => Number(row.id)),
    );
    const numberById = new Map(numbers.map((row) => [row.id, row]));
    const headById = new Map(heads.map((row) => [Number(row.id), row]));
    return page.flatMap((row): ConversationView[] => {
      const head = headById.get(Number(row.id));
      const number = numberById.get(Number(row.whatsapp_session_id));
      if (!head || !number) return [];
      const metadata = head.chat_uuid === null ? null : parseChatMetadata(head.chat_metadata);
      return [
        {
          contact: {
            uuid: head.uuid,
            name: contactName(head),
            phone: head.phone,
            whatsapp_id: head.whatsapp_id,
            type: head.contact_type ?? 'individual',
          },
          session: {
            uuid: number.uuid,
            phone_number: number.phone_number,
            provider_type: number.provider_type,
            status: number.status,
          },
          last_message:
            metadata && head.chat_uuid !== null && head.chat_created_at !== null
              ? {
                  uuid: head.chat_uuid,
                  direction: head.chat_direction ?? 'inbound',
                  type: stringOrNull(metadata.type),
                  body_preview: bodyOf(metadata).slice(0, MESSAGE_PREVIEW_LENGTH),
                  status: head.chat_status,
                  created_at: dbDate(head.chat_created_at).toISOString(),
                }
              : null,
          unread_count: Number(head.unread ?? 0),
          last_activity_at: dbDate(row.activity_at).toISOString(),
        },
      ];
    });
  }

  private async activeNumbers(workspaceId: number): Promise<NumberRow[]> {
    const rows = await this.dataSource.query<NumberRow[]>(
      'SELECT id, uuid, phone_number, provider_type, status FROM whatsapp_sessions ' +
        'WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id',
      [workspaceId],
    );
    return rows.map((row) => ({ ...row, id: Number(row.id) }));
  }

  /** A number of this workspace; another workspace's answers exactly like a missing one. */
  private async findNumber(workspaceId: number, uuid: string): Promise<NumberRow> {
    const [row] = await this.dataSource.query<NumberRow[]>(
      'SELECT id, uuid, phone_number, provider_type, status FROM whatsapp_sessions ' +
        'WHERE workspace_id = ? AND uuid = ? AND deleted_at IS NULL',
      [workspaceId, uuid],
    );
    if (!row) throw AppException.notFound('WhatsApp number');
    return { ...row, id: Number(row.id) };
  }

  private async findContact(workspaceId: number, uuid: string): Promise<{ id: number }> {
    const [row] = await this.dataSource.query<Array<{ id: number | string }>>(
      'SELECT id FROM contacts WHERE workspace_id = ? AND uuid = ? AND deleted_at IS NULL',
      [workspaceId, uuid],
    );
    if (!row) throw AppException.notFound('Contact');
    return { id: Number(row.id) };
  }

  private async sessionUuids(ids: Array<number | string>): Promise<Map<number, string>> {
    const unique = [...new Set(ids.map(Number))];
    if (unique.length === 0) return new Map();
    const rows = await this.dataSource.query<Array<{ id: number | string; uuid: string }>>(
      `SELECT id, uuid FROM whatsapp_sessions WHERE id IN (${unique.map(() => '?').join(', ')})`,
      unique,
    );
    return new Map(rows.map((row) => [Number(row.id), row.uuid]));
  }

  /**
   * The cursor carries the row's time as the driver gave it: SQLite's stored text (compared as
   * text, so it must come back byte for byte) or MySQL's DATETIME as an ISO instant.
   */
  private encodeCursor(at: Date | string, id: number | string): string {
    const position: Position = { at: at instanceof Date ? at.toISOString() : at, id: Number(id) };
    return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
  }

  private decodeCursor(cursor: string): Position {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      if (Array.isArray(value) && value.length === 2) {
        const [at, id] = value as unknown[];
        if (
          typeof at === 'string' &&
          CURSOR_TIME.test(at) &&
          typeof id === 'number' &&
          Number.isSafeInteger(id) &&
          id > 0 &&
          (this.isSqlite() || !Number.isNaN(new Date(at).getTime()))
        ) {
          return { at, id };
        }
      }
    } catch {
      // Not base64url JSON: answered below like any other foreign cursor.
    }
    throw AppException.validation('Invalid request: cursor: is not a cursor this API gave out', [
      { field: 'cursor', problems: ['is not a cursor this API gave out'] },
    ]);
  }

  private positionValue(position: Position): string | Date {
    return this.isSqlite() ? position.at : new Date(position.at);
  }

  private isSqlite(): boolean {
    return this.dataSource.options.type === 'better-sqlite3';
  }
}

const CURSOR_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z?$/;

const CONVERSATION_COLUMNS =
  'cs.id AS id, cs.contact_id AS contact_id, cs.whatsapp_session_id AS whatsapp_session_id, ' +
  'cs.last_interaction_at AS activity_at';

const CHAT_COLUMNS =
  'ch.id AS id, ch.uuid AS uuid, ch.contact_id AS contact_id, ' +
  'ch.whatsapp_session_id AS whatsapp_session_id, ch.wam_id AS wam_id, ch.type AS type, ' +
  'ch.metadata AS metadata, ch.message_status AS message_status, ch.is_read AS is_read, ' +
  'ch.idempotency_key AS idempotency_key, ch.created_at AS created_at';

/** `!` as the LIKE escape character: it needs no escaping itself in MySQL or SQLite literals. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (m) => `!${m}`);
}

/** A phone typed by a person, as digits: spaces, dashes, dots and brackets dropped. */
const TYPED_PHONE = /^\+?[\d\s().-]+$/;

/**
 * The ids of the workspace's contacts matching a search, as one statement: each part is a prefix
 * (`LIKE 'text%'`, `%` and `_` taken literally) on an indexed column, so each is an index range.
 * First, last or full name start with the text, or first name and last name start with its first
 * word and the rest; the WhatsApp id starts with it; a phone matches from its start, typed with or
 * without `+`, spaces and dashes — and typed without a country code (a leading trunk `0`
 * dropped) in the countries of the workspace's own numbers.
 */
function searchCandidates(
  workspaceId: number,
  text: string,
  callingCodes: string[],
): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const prefix = (column: string, value: string) => {
    parts.push(`SELECT id FROM contacts WHERE workspace_id = ? AND ${column} LIKE ? ESCAPE '!'`);
    params.push(workspaceId, `${escapeLike(value)}%`);
  };
  for (const column of ['first_name', 'last_name', 'full_name', 'whatsapp_id'])
    prefix(column, text);
  const words = /^(\S+)\s+(.+)$/.exec(text);
  if (words) {
    parts.push(
      "SELECT id FROM contacts WHERE workspace_id = ? AND first_name LIKE ? ESCAPE '!' " +
        "AND last_name LIKE ? ESCAPE '!'",
    );
    params.push(workspaceId, `${escapeLike(words[1]!)}%`, `${escapeLike(words[2]!)}%`);
  }
  const digits = TYPED_PHONE.test(text) ? text.replace(/\D/g, '') : '';
  if (digits.length >= 3) {
    const international = text.startsWith('+') || digits.startsWith('00');
    const phones = new Set([`+${digits.replace(/^00/, '')}`]);
    if (!international) {
      for (const code of callingCodes) phones.add(`+${code}${digits.replace(/^0/, '')}`);
    }
    for (const phone of phones) prefix('phone', phone);
  }
  return { sql: parts.join(' UNION '), params };
}

function contactName(contact: ContactRow): string | null {
  const name = [contact.first_name, contact.last_name].filter(Boolean).join(' ').trim();
  return name || contact.full_name?.trim() || null;
}

function isoOrNull(value: Date | string | null): string | null {
  return dbDateOrNull(value)?.toISOString() ?? null;
}
