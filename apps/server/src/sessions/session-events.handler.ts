import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  platformChannel,
  RealtimeEvent,
  workspaceChannel,
  type EngineEventOf,
} from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { EngineInboxService } from '../engine-link/engine-inbox.service';
import { BroadcasterService } from '../realtime/broadcaster.service';
import { withoutLinking } from './session-views';
import { WhatsappSession } from './whatsapp-session.entity';

/** Statuses in which the number is not running and the moment it stopped is kept. */
const STOPPED = new Set(['disconnected', 'failed', 'banned']);

/**
 * Applies an engine's session events to the number's row first, then tells the workspace's open
 * pages: the QR as it rotates, the pairing code, and every status change.
 */
@Injectable()
export class SessionEventsHandler implements OnModuleInit {
  constructor(
    private readonly inbox: EngineInboxService,
    private readonly broadcaster: BroadcasterService,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.inbox.handle('session.qr', (event) => this.onQr(event));
    this.inbox.handle('session.pairing_code', (event) => this.onPairingCode(event));
    this.inbox.handle('session.status', (event) => this.onStatus(event));
    this.inbox.handle('session.recovery', (event) => this.onRecovery(event));
  }

  private async onQr(event: EngineEventOf<'session.qr'>): Promise<void> {
    const session = await this.find(event.session_id);
    if (!session) return;
    const windowEndsAt = new Date(event.data.window_ends_at);
    await this.sessions().update(
      { id: session.id },
      {
        status: 'qr_scanning',
        qrCode: event.data.qr_data_url,
        engineId: event.engine_id,
        // A page opened in the middle of the scan shows the same countdown.
        metadata: { ...session.metadata, qr_window_ends_at: windowEndsAt.toISOString() },
      },
    );
    await this.broadcaster.broadcast(
      workspaceChannel(session.workspaceId),
      RealtimeEvent.QR_CODE_GENERATED,
      {
        workspace_id: Number(session.workspaceId),
        session_uuid: session.uuid,
        qr_code_base64: event.data.qr_data_url,
        expires_in_seconds: Math.max(0, Math.round((windowEndsAt.getTime() - Date.now()) / 1000)),
        window_ends_at: windowEndsAt.toISOString(),
        at: event.occurred_at,
      },
    );
  }

  private async onPairingCode(event: EngineEventOf<'session.pairing_code'>): Promise<void> {
    const session = await this.find(event.session_id);
    if (!session) return;
    await this.sessions().update(
      { id: session.id },
      {
        status: 'qr_scanning',
        engineId: event.engine_id,
        metadata: {
          ...session.metadata,
          pairing_code: event.data.code,
          qr_window_ends_at: event.data.window_ends_at,
        },
      },
    );
    await this.broadcaster.broadcast(
      workspaceChannel(session.workspaceId),
      RealtimeEvent.PAIRING_CODE_GENERATED,
      {
        workspace_id: Number(session.workspaceId),
        session_uuid: session.uuid,
        code: event.data.code,
        window_ends_at: event.data.window_ends_at,
        at: event.occurred_at,
      },
    );
  }

  private async onStatus(event: EngineEventOf<'session.status'>): Promise<void> {
    const session = await this.find(event.session_id);
    if (!session) return;
    const { status, reason, phone } = event.data;
    const at = new Date(event.occurred_at);
    const phoneNumber = phone ? `+${phone}` : session.phoneNumber;
    await this.sessions().update(
      { id: session.id },
      {
        status,
        engineId: event.engine_id,
        phoneNumber,
        disconnectReason: reason,
        ...(status === 'qr_scanning'
          ? {}
          : { qrCode: null, metadata: withoutLinking(session.metadata) }),
        ...(status === 'connected' ? { lastConnectedAt: at, lastActivityAt: at } : {}),
        ...(STOPPED.has(status) ? { disconnectedAt: at } : {}),
      },
    );
    await this.broadcaster.broadcast(
      [workspaceChannel(session.workspaceId), platformChannel()],
      RealtimeEvent.SESSION_STATUS_CHANGED,
      {
        workspace_id: Number(session.workspaceId),
        session_uuid: session.uuid,
        status,
        phone_number: phoneNumber,
        ...(reason ? { reason } : {}),
        engine_id: event.engine_id,
        at: event.occurred_at,
      },
    );
  }

  private async onRecovery(event: EngineEventOf<'session.recovery'>): Promise<void> {
    const session = await this.find(event.session_id);
    if (!session) return;
    await this.sessions().update(
      { id: session.id },
      {
        metadata: {
          ...session.metadata,
          last_recovery: { ...event.data, engine_id: event.engine_id, at: event.occurred_at },
        },
      },
    );
  }

  /** MySQL hands a bigint column back as a string; the payloads promise a number. */
  private find(sessionId: string): Promise<WhatsappSession | null> {
    return this.sessions().findOne({ where: { sessionId } });
  }

  private sessions() {
    return this.dataSource.getRepository(WhatsappSession);
  }
}
