import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  isForwardStatus,
  WhatsAppErrorCode,
  type MessageStatus,
  type SendAttemptView,
} from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { JOB_QUEUE, type Job, type JobQueue } from '../drivers/queue/job-queue.port';
import { Contact } from '../inbox/contact.entity';
import { Chat } from '../messaging/chat.entity';
import { parseChatMetadata } from '../messaging/chat-metadata';
import { broadcastMessageStatus } from '../messaging/message-status-event';
import { BroadcasterService } from '../realtime/broadcaster.service';
import type { WhatsappSession } from '../sessions/whatsapp-session.entity';
import {
  WHATSAPP_ADAPTERS,
  type Recipient,
  type WhatsAppAdapters,
} from '../whatsapp/whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp/whatsapp.exception';
import { NumberHealthService } from './number-health.service';
import { storedSend, type StoredSend } from './outbound-metadata';
import { SenderSelector } from './sender-selector';
import { SEND_ATTEMPTS, SENDS_QUEUE, type SendMessageJobData } from './sending.queue';

/** Failures that say the number itself is in trouble, so it drops in the selector's order. */
const NUMBER_FAULTS: ReadonlySet<WhatsAppErrorCode> = new Set([
  WhatsAppErrorCode.NUMBER_NOT_CONNECTED,
  WhatsAppErrorCode.CREDENTIALS_REJECTED,
]);

/** Sends run side by side up to this many per server node. */
const SEND_CONCURRENCY = 4;

/**
 * Delivers one pending message: tries the numbers the selector offers, best first, until one
 * takes it. A number's own failure (not connected, rate limited, unavailable) moves on to the
 * next number when failover is allowed, and is kept on the message; a failure of the message
 * itself (a bad recipient, a rejected template) fails it at once. When every number failed
 * for a reason that may pass, the job runs again later; after the last run the message fails
 * with its reason, and a user may send it again.
 */
@Injectable()
export class SendMessageProcessor implements OnModuleInit {
  private readonly logger = new Logger('SendMessage');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(JOB_QUEUE) private readonly queue: JobQueue,
    @Inject(WHATSAPP_ADAPTERS) private readonly adapters: WhatsAppAdapters,
    private readonly selector: SenderSelector,
    private readonly health: NumberHealthService,
    private readonly broadcaster: BroadcasterService,
  ) {}

  onModuleInit(): void {
    this.queue.register<SendMessageJobData>(SENDS_QUEUE, (job) => this.handle(job), {
      concurrency: SEND_CONCURRENCY,
    });
  }

  async handle(job: Job<SendMessageJobData>): Promise<void> {
    const chat = await this.dataSource
      .getRepository(Chat)
      .findOne({ where: { uuid: job.data.chat_uuid, type: 'outbound' } });
    // Gone, deleted, or already taken by a provider: a replayed job has nothing left to do.
    if (!chat || chat.deletedAt || chat.messageStatus !== 'pending' || chat.wamId) return;
    const metadata = parseChatMetadata(chat.metadata);
    const send = storedSend(metadata);
    if (!send) return;
    const contact = await this.dataSource
      .getRepository(Contact)
      .findOne({ where: { id: chat.contactId }, withDeleted: true });
    if (!contact) {
      await this.fail(
        chat,
        metadata,
        send,
        new WhatsAppException(WhatsAppErrorCode.INVALID_RECIPIENT, 'The contact no longer exists'),
      );
      return;
    }
    const to: Recipient = {
      phone: contact.phone ? contact.phone.replace(/^\+/, '') : null,
      whatsappId: contact.whatsappId,
    };
    const candidates = await this.selector.candidates({
      workspaceId: Number(chat.workspaceId),
      contactId: Number(contact.id),
      intendedSessionId: send.intended_session_id,
      content: send.content,
      toGroup: chat.chatType === 'group',
      allowFailover: send.allow_failover,
    });

    const attempts = [...send.attempts];
    let lastError: WhatsAppException | null = null;
    let retryable = false;
    for (const candidate of candidates) {
      const { session } = candidate;
      const intended = Number(session.id) === send.intended_session_id;
      if (!candidate.usable) {
        // Why the conversation's own number was passed over is worth showing; the others are noise.
        if (intended) attempts.push(attempt(session, candidate.reason));
        lastError ??= candidate.reason;
        retryable ||= candidate.reason.retryable;
        continue;
      }
      try {
        const result = await this.adapters[session.providerType].send(session, {
          // A user's retry is a new send: the engine remembers a failed key as failed.
          idempotencyKey: send.retries ? `${chat.uuid}-r${send.retries}` : chat.uuid,
          to,
          content: send.content,
          quotedProviderMessageId: intended ? send.quoted_provider_message_id : null,
        });
        attempts.push(attempt(session, null));
        await this.delivered(chat, metadata, { ...send, attempts }, session, result);
        return;
      } catch (caught) {
        const error = asWhatsAppException(caught);
        attempts.push(attempt(session, error));
        lastError = error;
        retryable ||= error.retryable;
        if (!error.failover) break;
        if (error.retryable || NUMBER_FAULTS.has(error.code)) await this.health.penalize(session);
        if (!send.allow_failover) break;
      }
    }
    const unsent = { ...send, attempts };
    const error =
      lastError ??
      new WhatsAppException(
        WhatsAppErrorCode.NO_NUMBER_AVAILABLE,
        'No number of the workspace can carry this message now',
      );
    if (retryable && job.attempt < SEND_ATTEMPTS) {
      // Keep what was tried so far, then let the queue run it again after its backoff.
      await this.saveAttempts(chat, metadata, unsent);
      throw error;
    }
    await this.fail(chat, metadata, unsent, error);
  }

  private async delivered(
    chat: Chat,
    metadata: Record<string, unknown>,
    send: StoredSend,
    session: WhatsappSession,
    result: { providerMessageId: string; status: MessageStatus },
  ): Promise<void> {
    // Taken by the provider: at least sent, whatever ack the provider had raised by then.
    const status: MessageStatus = isForwardStatus('sent', result.status) ? result.status : 'sent';
    const failedOver = Number(session.id) !== send.intended_session_id;
    const now = new Date();
    const updated = await this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set({
        wamId: result.providerMessageId,
        whatsappSessionId: Number(session.id),
        providerType: session.providerType,
        messageStatus: status,
        status,
        sentAt: now,
        metadata: JSON.stringify({
          ...metadata,
          from: session.phoneNumber,
          send: { ...send, failed_over_from: failedOver ? send.intended_session_uuid : null },
        }),
        updatedAt: now,
      })
      .where('id = :id', { id: chat.id })
      .andWhere("message_status = 'pending'")
      .execute();
    if (!updated.affected) return;
    if (failedOver) {
      this.logger.warn(
        `message ${chat.uuid} failed over from ${send.intended_session_uuid} to ${session.uuid}`,
      );
    }
    await this.announce(chat, result.providerMessageId, status);
  }

  private async fail(
    chat: Chat,
    metadata: Record<string, unknown>,
    send: StoredSend,
    error: WhatsAppException,
  ): Promise<void> {
    const updated = await this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set({
        messageStatus: 'failed',
        status: 'failed',
        metadata: JSON.stringify({
          ...metadata,
          send,
          error: { code: error.code, message: error.message },
        }),
        updatedAt: new Date(),
      })
      .where('id = :id', { id: chat.id })
      .andWhere("message_status = 'pending'")
      .execute();
    if (updated.affected) await this.announce(chat, null, 'failed');
  }

  private async saveAttempts(
    chat: Chat,
    metadata: Record<string, unknown>,
    send: StoredSend,
  ): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(Chat)
      .set({ metadata: JSON.stringify({ ...metadata, send }), updatedAt: new Date() })
      .where('id = :id', { id: chat.id })
      .andWhere("message_status = 'pending'")
      .execute();
  }

  private async announce(
    chat: Chat,
    providerMessageId: string | null,
    status: MessageStatus,
  ): Promise<void> {
    await broadcastMessageStatus(this.broadcaster, chat, providerMessageId, status);
  }
}

function attempt(session: WhatsappSession, error: WhatsAppException | null): SendAttemptView {
  return {
    session_uuid: session.uuid,
    provider_type: session.providerType,
    at: new Date().toISOString(),
    error: error ? { code: error.code, message: error.message } : null,
  };
}

function asWhatsAppException(error: unknown): WhatsAppException {
  if (error instanceof WhatsAppException) return error;
  return new WhatsAppException(
    WhatsAppErrorCode.PROVIDER_UNAVAILABLE,
    error instanceof Error ? error.message : String(error),
  );
}
