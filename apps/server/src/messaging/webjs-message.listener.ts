import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { EngineEventOf } from '@switchboard/contracts';
import { EngineInboxService } from '../engine-link/engine-inbox.service';
import { InboundPipelineService } from './inbound-pipeline.service';
import { MessagingSessionsService } from './messaging-sessions.service';
import { fromAck, fromEdit, fromEngineMessage, fromRevoke } from './webjs-message.mapper';

/**
 * The WhatsApp Web source of the inbound pipeline: the engine's message events, each already
 * stored once in the engine inbox, mapped and handed to the pipeline. A malformed event throws,
 * so the inbox keeps it unprocessed with the reason.
 */
@Injectable()
export class WebjsMessageListener implements OnModuleInit {
  private readonly logger = new Logger('WebjsMessages');

  constructor(
    private readonly inbox: EngineInboxService,
    private readonly sessions: MessagingSessionsService,
    private readonly pipeline: InboundPipelineService,
  ) {}

  onModuleInit(): void {
    this.inbox.handle('message.received', (event) => this.onMessage(event, 'customer'));
    this.inbox.handle('message.sent_from_phone', (event) => this.onMessage(event, 'phone'));
    this.inbox.handle('message.ack', (event) => this.onAck(event));
    this.inbox.handle('message.edited', (event) => this.onEdit(event));
    this.inbox.handle('message.revoked', (event) => this.onRevoke(event));
  }

  private async onMessage(
    event: EngineEventOf<'message.received' | 'message.sent_from_phone'>,
    source: 'customer' | 'phone',
  ): Promise<void> {
    const message = fromEngineMessage(event.data.message, source);
    const session = await this.sessions.findWebjs(event.session_id);
    if (!session) return this.unknownSession(event);
    await this.pipeline.ingest(session, message);
  }

  private async onAck(event: EngineEventOf<'message.ack'>): Promise<void> {
    const update = fromAck(event.data);
    const session = await this.sessions.findWebjs(event.session_id);
    if (!session) return this.unknownSession(event);
    await this.pipeline.applyStatus(session, update);
  }

  private async onEdit(event: EngineEventOf<'message.edited'>): Promise<void> {
    const edit = fromEdit(event.data);
    const session = await this.sessions.findWebjs(event.session_id);
    if (!session) return this.unknownSession(event);
    await this.pipeline.applyEdit(session, edit);
  }

  private async onRevoke(event: EngineEventOf<'message.revoked'>): Promise<void> {
    const revoke = fromRevoke(event.data);
    const session = await this.sessions.findWebjs(event.session_id);
    if (!session) return this.unknownSession(event);
    await this.pipeline.applyRevoke(session, revoke);
  }

  /** A number deleted meanwhile: its events have nowhere to go. */
  private unknownSession(event: { type: string; session_id: string }): void {
    this.logger.warn(`${event.type} for unknown WhatsApp Web session ${event.session_id} dropped`);
  }
}
