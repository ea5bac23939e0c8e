import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  RealtimeEvent,
  WHATSAPP_ERROR_STATUS,
  WhatsAppErrorCode,
  workspaceChannel,
  workspaceChatChannel,
  type OutboundContent,
  type OutboundMessageView,
  type ProviderCapability,
} from '@switchboard/contracts';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { AppException } from '../common/app.exception';
import { TransactionRunner } from '../database/transaction-runner';
import { JOB_QUEUE, type JobQueue } from '../drivers/queue/job-queue.port';
import { WorkRecovery } from '../drivers/queue/work-recovery';
import { Contact } from '../inbox/contact.entity';
import { Chat } from '../messaging/chat.entity';
import { parseChatMetadata } from '../messaging/chat-metadata';
import { ContactSession } from '../messaging/contact-session.entity';
import { BroadcasterService } from '../realtime/broadcaster.service';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import {
  outboundMetadata,
  storedSend,
  type OutboundMetadata,
  type StoredSend,
} from './outbound-metadata';
import { toOutboundView } from './outbound-message.view';
import { WHATSAPP_ADAPTERS, type WhatsAppAdapters } from '../whatsapp/whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp/whatsapp.exception';
import type { SendMessageDto } from './sending.dto';
import {
  SEND_ATTEMPTS,
  SEND_BACKOFF_MS,
  SEND_MESSAGE_JOB,
  SENDS_QUEUE,
  sendJobId,
  type SendMessageJobData,
} from './sending.queue';

export interface SendOutcome {
  view: OutboundMessageView;
  /** False when the idempotency key named a message made before: nothing new was sent. */
  created: boolean;
}

/**
 * Replies and sends: a message is written `pending` with the client's idempotency key, announced,
 * and handed to the send job, which delivers it through the number the selector picks. The row is
 * the source of truth: a lost job is found again at boot from the rows still pending.
 */
@Injectable()
export class OutboundMessagesService implements OnModuleInit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly transactions: TransactionRunner,
    private readonly broadcaster: BroadcasterService,
    private readonly recovery: WorkRecovery,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(WHATSAPP_ADAPTERS) private readonly adapters: WhatsAppAdapters,
  ) {}

  onModuleInit(): void {
    this.recovery.register({ name: 'outbound-sends', recover: () => this.recoverPending() });
  }

  async send(
    workspaceId: number,
    userId: number,
    contactUuid: string,
    request: SendMessageDto,
    exceptSocketId: string | null = null,
  ): Promise<SendOutcome> {
    const content = contentOf(request);
    const contact = await this.findContact(workspaceId, contactUuid);
    const earlier = await this.byIdempotencyKey(workspaceId, request.idempotency_key);
    if (earlier) return { view: await this.sameRequest(earlier, contact), created: false };

    const number = await this.intendedNumber(workspaceId, contact, request.session_uuid);
    const quoted = request.quoted_message_uuid
      ? await this.quotedProviderId(workspaceId, contact.id, request.quoted_message_uuid)
      : null;
    const isGroup = contact.type === 'group' || (contact.whatsappId?.endsWith('@g.us') ?? false);
    await this.assertSomeNumberCan(number, content, isGroup, request.allow_failover ?? true);
    const send: StoredSend = {
      content,
      allow_failover: request.allow_failover ?? true,
      intended_session_id: Number(number.id),
      intended_session_uuid: number.uuid,
      quoted_provider_message_id: quoted,
      attempts: [],
      failed_over_from: null,
      retries: 0,
    };
    const metadata = outboundMetadata(send, {
      from: number.phoneNumber,
      to: contact.whatsappId ?? contact.phone ?? '',
      isGroup,
    });
    let chat: Chat;
    try {
      chat = await this.transactions.run((manager) =>
        this.insertPending(manager, workspaceId, userId, contact, number, metadata, request),
      );
    } catch (error) {
      // Two requests with one key at the same moment: the unique key let one in.
      const raced = await this.byIdempotencyKey(workspaceId, request.idempotency_key);
      if (raced) return { view: await this.sameRequest(raced, contact), created: false };
      throw error;
    }
    const view = toOutboundView(chat, new Map([[Number(number.id), number.uuid]]));
    await this.announce(chat, contact, view, exceptSocketId);
    await this.enqueue(chat.uuid, 0);
    return { view, created: true };
  }

  async show(
    workspaceId: number,
    contactUuid: string,
    messageUuid: string,
  ): Promise<OutboundMessageView> {
    const { chat } = await this.findMessage(workspaceId, contactUuid, messageUuid);
    return this.view(chat);
  }

  /** Sends a failed message again, through the same selection as the first time. */
  async retry(
    workspaceId: number,
    contactUuid: string,
    messageUuid: string,
  ): Promise<OutboundMessageView> {
    const { chat, contact } = await this.findMessage(workspaceId, contactUuid, messageUuid);
    const metadata = parseChatMetadata(chat.metadata);
    const send = storedSend(metadata);
    if (chat.type !== 'outbound' || !send) {
      throw AppException.conflict('Only a message sent from Switchboard can be sent again', {
        reason: 'NOT_SENT_FROM_SWITCHBOARD',
      });
    }
    if (chat.messageStatus !== 'failed') {
      throw AppException.conflict(
        `Only a failed message can be sent again; this one is ${chat.messageStatus}`,
        {
          reason: 'NOT_FAILED',
          status: chat.messageStatus,
        },
      );
    }
    const retried: Record<string, unknown> = {
      ...metadata,
      send: { ...send, retries: send.retries + 1 },
    };
    delete retried.error;
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set({
        messageStatus: 'pending',
        status: 'pending',
        metadata: JSON.stringify(retried),
        updatedAt: new Date(),
      })
      .where('id = :id', { id: chat.id })
      .andWhere("message_status = 'failed'")
      .execute();
    if (!result.affected) {
      throw AppException.conflict('The message is being sent again already', {
        reason: 'NOT_FAILED',
      });
    }
    chat.messageStatus = 'pending';
    chat.status = 'pending';
    chat.metadata = JSON.stringify(retried);
    await this.broadcaster.broadcast(
      [workspaceChannel(workspaceId), workspaceChatChannel(workspaceId, contact.id)],
      RealtimeEvent.MESSAGE_STATUS_UPDATED,
      {
        workspace_id: workspaceId,
        contact_id: contact.id,
        message_id: Number(chat.id),
        provider_message_id: chat.wamId,
        status: 'pending',
        at: new Date().toISOString(),
      },
    );
    await this.enqueue(chat.uuid, send.retries + 1);
    return this.view(chat);
  }

  async view(chat: Chat): Promise<OutboundMessageView> {
    const ids = [chat.whatsappSessionId].filter((id): id is number => id !== null);
    const numbers = ids.length
      ? await this.dataSource.getRepository(WhatsappSession).find({
          where: ids.map((id) => ({ id })),
          withDeleted: true,
          select: { id: true, uuid: true },
        })
      : [];
    return toOutboundView(chat, new Map(numbers.map((n) => [Number(n.id), n.uuid])));
  }

  /** Boot: every message still pending that no provider took yet gets its job again. */
  async recoverPending(): Promise<number> {
    const rows = await this.dataSource
      .getRepository(Chat)
      .createQueryBuilder('chat')
      .select(['chat.uuid', 'chat.metadata'])
      .where("chat.message_status = 'pending'")
      .andWhere("chat.type = 'outbound'")
      .andWhere('chat.wam_id IS NULL')
      .andWhere('chat.idempotency_key IS NOT NULL')
      .andWhere('chat.deleted_at IS NULL')
      .getMany();
    for (const row of rows) {
      const send = storedSend(parseChatMetadata(row.metadata));
      if (send) await this.enqueue(row.uuid, send.retries);
    }
    return rows.length;
  }

  private async enqueue(chatUuid: string, retries: number): Promise<void> {
    await this.queue.enqueue<SendMessageJobData>(
      SENDS_QUEUE,
      SEND_MESSAGE_JOB,
      { chat_uuid: chatUuid },
      { jobId: sendJobId(chatUuid, retries), attempts: SEND_ATTEMPTS, backoffMs: SEND_BACKOFF_MS },
    );
  }

  private async insertPending(
    manager: EntityManager,
    workspaceId: number,
    userId: number,
    contact: Contact,
    number: WhatsappSession,
    metadata: OutboundMetadata,
    request: SendMessageDto,
  ): Promise<Chat> {
    const now = new Date();
    const chats = manager.getRepository(Chat);
    const chat = chats.create({
      uuid: randomUUID(),
      workspaceId,
      whatsappSessionId: Number(number.id),
      wamId: null,
      idempotencyKey: request.idempotency_key,
      contactId: contact.id,
      userId,
      type: 'outbound',
      metadata: JSON.stringify(metadata),
      status: 'pending',
      messageStatus: 'pending',
      isRead: true,
      providerType: number.providerType,
      chatType: metadata.is_group ? 'group' : 'private',
      sentAt: null,
      deliveredAt: null,
      readAt: null,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
    });
    const { identifiers } = await chats.insert(chat);
    chat.id = Number((identifiers[0] as { id: number | string }).id);
    await this.touchConversation(manager, contact.id, Number(number.id), now);
    return chat;
  }

  /** The conversation moves to the top of the inbox, as it does for an inbound message. */
  private async touchConversation(
    manager: EntityManager,
    contactId: number,
    sessionId: number,
    at: Date,
  ): Promise<void> {
    const updated = await manager
      .createQueryBuilder()
      .update(ContactSession)
      .set({
        totalMessages: () => 'total_messages + 1',
        lastInteractionAt: at,
        updatedAt: at,
      })
      .where('contact_id = :contactId AND whatsapp_session_id = :sessionId', {
        contactId,
        sessionId,
      })
      .execute();
    if (!updated.affected) {
      await manager.getRepository(ContactSession).insert({
        contactId,
        whatsappSessionId: sessionId,
        firstInteractionAt: at,
        lastInteractionAt: at,
        totalMessages: 1,
        createdAt: at,
        updatedAt: at,
      });
    }
    await manager
      .createQueryBuilder()
      .update(Contact)
      .set({ lastMessageAt: at, latestChatCreatedAt: at })
      .where('id = :id', { id: contactId })
      .execute();
  }

  private async announce(
    chat: Chat,
    contact: Contact,
    view: OutboundMessageView,
    exceptSocketId: string | null,
  ): Promise<void> {
    const workspaceId = Number(chat.workspaceId);
    await this.broadcaster.broadcast(
      [workspaceChannel(workspaceId), workspaceChatChannel(workspaceId, contact.id)],
      RealtimeEvent.MESSAGE_RECEIVED,
      {
        workspace_id: workspaceId,
        contact: {
          id: contact.id,
          uuid: contact.uuid,
          name:
            [contact.firstName, contact.lastName].filter(Boolean).join(' ') || contact.phone || '',
          phone: contact.phone,
          avatar: null,
          unread_messages: Number(contact.unreadMessages),
        },
        message: {
          id: view.id,
          uuid: view.uuid,
          contact_id: contact.id,
          session_uuid: view.session_uuid,
          provider_message_id: null,
          direction: 'outbound',
          type: view.type ?? 'text',
          status: 'pending',
          body: view.body,
          from_me: true,
          media: null,
          user_id: chat.userId,
          created_at: view.created_at,
        },
        at: new Date().toISOString(),
      },
      { exceptSocketId },
    );
  }

  private async findMessage(
    workspaceId: number,
    contactUuid: string,
    messageUuid: string,
  ): Promise<{ chat: Chat; contact: Contact }> {
    const contact = await this.findContact(workspaceId, contactUuid);
    const chat = await this.dataSource.getRepository(Chat).findOne({
      where: { workspaceId, contactId: contact.id, uuid: messageUuid, deletedAt: IsNull() },
    });
    if (!chat) throw AppException.notFound('Message');
    return { chat, contact };
  }

  private async findContact(workspaceId: number, uuid: string): Promise<Contact> {
    const contact = await this.dataSource
      .getRepository(Contact)
      .findOne({ where: { workspaceId, uuid } });
    if (!contact) throw AppException.notFound('Contact');
    return contact;
  }

  private byIdempotencyKey(workspaceId: number, key: string): Promise<Chat | null> {
    return this.dataSource
      .getRepository(Chat)
      .findOne({ where: { workspaceId, idempotencyKey: key } });
  }

  /** A key is one message: used again for another conversation, it is refused. */
  private async sameRequest(chat: Chat, contact: Contact): Promise<OutboundMessageView> {
    if (Number(chat.contactId) !== Number(contact.id)) {
      throw AppException.conflict('This idempotency_key was already used for another message', {
        reason: 'IDEMPOTENCY_KEY_REUSED',
      });
    }
    return this.view(chat);
  }

  /**
   * The number a reply belongs to: the one the agent picked, else the one the customer last wrote
   * to, else the one the conversation last used, else the workspace's primary.
   */
  private async intendedNumber(
    workspaceId: number,
    contact: Contact,
    sessionUuid: string | undefined,
  ): Promise<WhatsappSession> {
    const numbers = this.dataSource.getRepository(WhatsappSession);
    if (sessionUuid) {
      const chosen = await numbers.findOne({ where: { workspaceId, uuid: sessionUuid } });
      if (!chosen) throw AppException.notFound('WhatsApp number');
      return chosen;
    }
    const lastInbound = await this.dataSource
      .getRepository(Chat)
      .createQueryBuilder('chat')
      .select('chat.whatsapp_session_id', 'id')
      .where('chat.contact_id = :contactId', { contactId: contact.id })
      .andWhere("chat.type = 'inbound'")
      .andWhere('chat.whatsapp_session_id IS NOT NULL')
      .orderBy('chat.created_at', 'DESC')
      .addOrderBy('chat.id', 'DESC')
      .limit(1)
      .getRawOne<{ id: number | string }>();
    const lastLink = lastInbound
      ? null
      : await this.dataSource.getRepository(ContactSession).findOne({
          where: { contactId: contact.id },
          order: { lastInteractionAt: 'DESC' },
        });
    const id = lastInbound?.id ?? lastLink?.whatsappSessionId;
    const conversationNumber = id
      ? await numbers.findOne({ where: { workspaceId, id: Number(id) } })
      : null;
    if (conversationNumber?.isActive) return conversationNumber;
    const fallback = await numbers.findOne({
      where: { workspaceId, isActive: true },
      order: { isPrimary: 'DESC', lastConnectedAt: 'DESC', id: 'ASC' },
    });
    if (!fallback) {
      throw new AppException(
        WHATSAPP_ERROR_STATUS[WhatsAppErrorCode.NO_NUMBER_AVAILABLE],
        ErrorCode.CONFLICT,
        'The workspace has no WhatsApp number to send from; add one first',
        { reason: WhatsAppErrorCode.NO_NUMBER_AVAILABLE },
      );
    }
    return fallback;
  }

  /**
   * A message no number could ever carry (a template with only WhatsApp Web numbers, a group on
   * Meta) is refused now, with the reason, instead of failing later.
   */
  private async assertSomeNumberCan(
    number: WhatsappSession,
    content: OutboundContent,
    isGroup: boolean,
    allowFailover: boolean,
  ): Promise<void> {
    const needed: ProviderCapability[] = [content.type, ...(isGroup ? ['group' as const] : [])];
    const missing = (n: WhatsappSession): ProviderCapability | undefined =>
      needed.find((capability) => !this.adapters[n.providerType].capabilities.has(capability));
    const lacking = missing(number);
    if (!lacking) return;
    if (allowFailover) {
      const others = await this.dataSource.getRepository(WhatsappSession).find({
        where: { workspaceId: number.workspaceId, isActive: true },
        select: { id: true, providerType: true },
      });
      if (others.some((other) => !missing(other))) return;
    }
    const refusal = WhatsAppException.notSupported(number.providerType, lacking);
    throw new AppException(
      HttpStatus.UNPROCESSABLE_ENTITY,
      ErrorCode.VALIDATION_FAILED,
      allowFailover
        ? `${refusal.message}, and no other number of the workspace can take it`
        : `${refusal.message} (failover is off for this message)`,
      { reason: refusal.code, ...refusal.details },
    );
  }

  private async quotedProviderId(
    workspaceId: number,
    contactId: number,
    messageUuid: string,
  ): Promise<string> {
    const quoted = await this.dataSource.getRepository(Chat).findOne({
      where: { workspaceId, contactId, uuid: messageUuid },
      select: { id: true, wamId: true },
    });
    if (!quoted) throw AppException.notFound('Quoted message');
    if (!quoted.wamId) {
      throw new AppException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ErrorCode.VALIDATION_FAILED,
        'The quoted message has not reached WhatsApp yet, so it cannot be quoted',
        { fields: [{ field: 'quoted_message_uuid', problems: ['has no WhatsApp id yet'] }] },
      );
    }
    return quoted.wamId;
  }
}

/** The one content the request's type names; a field of another type is refused. */
function contentOf(request: SendMessageDto): OutboundContent {
  const present = (['text', 'media', 'template'] as const).filter((f) => request[f] !== undefined);
  const extra = present.filter((field) => field !== request.type);
  if (!present.includes(request.type) || extra.length) {
    const fields = [
      ...(!present.includes(request.type)
        ? [{ field: request.type, problems: [`is required for a ${request.type} message`] }]
        : []),
      ...extra.map((field) => ({
        field,
        problems: [`is not accepted for a ${request.type} message`],
      })),
    ];
    throw AppException.validation(
      `Invalid request: ${fields.map((f) => `${f.field}: ${f.problems[0]}`).join('; ')}`,
      fields,
    );
  }
  switch (request.type) {
    case 'text':
      return { type: 'text', text: request.text! };
    case 'media':
      return { type: 'media', media: { ...request.media! } };
    case 'template':
      return { type: 'template', template: { ...request.template! } };
  }
}
