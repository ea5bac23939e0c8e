import { randomBytes, randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  ErrorCode,
  platformChannel,
  RealtimeEvent,
  SessionErrorReason,
  workspaceChannel,
  type DisconnectReason,
  type SessionStatus,
  type StartSessionRequest,
  type WhatsappSessionDetailView,
  type WhatsappSessionLimitsView,
  type WhatsappSessionView,
} from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import type { DataSource, EntityManager } from 'typeorm';
import { AppException } from '../common/app.exception';
import { SerialQueue } from '../common/serial-queue';
import { TransactionRunner } from '../database/transaction-runner';
import { EngineCommandError, EngineCommandsClient } from '../engine-link/engine-commands.client';
import { BroadcasterService } from '../realtime/broadcaster.service';
import { openMetaCredentials, sealMetaCredentials } from './meta-credentials';
import {
  MetaCredentialsChecker,
  type MetaPhoneNumberInfo,
} from '../whatsapp/meta-cloud/meta-credentials.checker';
import { limitsWith, planLimitReached } from './plan-limits';
import { toDetailView, toView, withoutLinking } from './session-views';
import type { CreateSessionDto } from './sessions.dto';
import { WhatsappSession } from './whatsapp-session.entity';

/** `metadata.link_method` of a number last started to show a pairing code instead of a QR. */
const PAIRING_CODE = 'pairing_code';

/** Statuses of a number that is linked (or being restored): no new QR for these. */
const LINKED: readonly SessionStatus[] = ['authenticated', 'connected', 'reconnecting'];

/**
 * The WhatsApp numbers of a workspace: the plan limit, creating (WhatsApp Web through an engine,
 * Meta after the Graph API accepted the credentials), the primary number and the lifecycle
 * commands. Engine events keep the rows current afterwards (SessionEventsHandler).
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('SessionsService');
  /** Per workspace, so a node never runs two limit checks (or primary swaps) at once. */
  /** Creates and primary moves, one at a time per workspace on this node. */
  private readonly perWorkspace = new SerialQueue<number>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly engine: EngineCommandsClient,
    private readonly metaChecker: MetaCredentialsChecker,
    private readonly broadcaster: BroadcasterService,
    private readonly secretBox: SecretBox,
    private readonly transactions: TransactionRunner,
  ) {}

  /** Active numbers, primary first, then newest. */
  async list(workspaceId: number): Promise<WhatsappSessionView[]> {
    const rows = await this.sessions().find({
      where: { workspaceId, isActive: true },
      order: { isPrimary: 'DESC', id: 'DESC' },
    });
    return rows.map(toView);
  }

  async get(workspaceId: number, uuid: string): Promise<WhatsappSessionDetailView> {
    return toDetailView(await this.find(workspaceId, uuid));
  }

  limits(workspaceId: number): Promise<WhatsappSessionLimitsView> {
    return limitsWith(this.dataSource.manager, workspaceId);
  }

  async create(
    workspaceId: number,
    actorId: number,
    input: CreateSessionDto,
  ): Promise<WhatsappSessionDetailView> {
    if (input.provider_type === 'meta' && !input.meta) {
      throw AppException.validation('Invalid request: meta: is required for a Meta number', [
        { field: 'meta', problems: ['is required when provider_type is meta'] },
      ]);
    }
    if (input.provider_type === 'webjs' && input.meta) {
      throw AppException.validation('Invalid request: meta: is only accepted for a Meta number', [
        { field: 'meta', problems: ['is only accepted when provider_type is meta'] },
      ]);
    }
    if (input.provider_type === 'meta') return this.createMeta(workspaceId, actorId, input);

    const session = await this.insert(workspaceId, input.is_primary, {
      sessionId: `wa_${randomBytes(6).toString('hex')}`,
      providerType: 'webjs',
      status: 'initializing',
      createdBy: actorId,
    });
    await this.announce(session);
    try {
      await this.engine.startSession(session.sessionId);
    } catch (error) {
      // The number stays (it counts, and can be reconnected or deleted); it is just not running.
      await this.settleFailedStart(session, { status: 'failed', disconnectReason: 'error' });
      throw this.engineFailure(error, session);
    }
    return this.get(workspaceId, session.uuid);
  }

  async setPrimary(workspaceId: number, uuid: string): Promise<WhatsappSessionDetailView> {
    const session = await this.find(workspaceId, uuid);
    await this.perWorkspace.run(workspaceId, () =>
      this.transactions.run(async (manager) => {
        await this.lockWorkspace(manager, workspaceId);
        await manager.update(
          WhatsappSession,
          { workspaceId, isPrimary: true },
          { isPrimary: false },
        );
        await manager.update(WhatsappSession, { id: session.id }, { isPrimary: true });
      }),
    );
    return this.get(workspaceId, uuid);
  }

  /** Starts the number's client again: from its stored login when it has one, else with a QR. */
  async reconnect(workspaceId: number, uuid: string): Promise<WhatsappSessionDetailView> {
    const session = await this.find(workspaceId, uuid);
    if (session.providerType === 'meta') return this.recheckMeta(session);
    await this.relaunch(session, (sessionId) => this.engine.restartSession(sessionId));
    return this.get(workspaceId, uuid);
  }

  /** A fresh QR (and a fresh scan window) for a number that is not linked. */
  async regenerateQr(workspaceId: number, uuid: string): Promise<WhatsappSessionDetailView> {
    const session = await this.find(workspaceId, uuid);
    this.assertLinkable(session, 'a new QR code');
    if (session.metadata?.link_method === PAIRING_CODE) {
      // The engine's client was started to show a pairing code: only a new start shows a QR.
      await this.relaunch(session, (sessionId) => this.startAfresh(sessionId, {}), {
        link_method: null,
      });
    } else {
      await this.relaunch(session, (sessionId) => this.engine.regenerateQr(sessionId));
    }
    return this.get(workspaceId, uuid);
  }

  /**
   * Links by a code typed on the phone instead of a QR: the client is started again for that
   * phone, and the engine's code arrives as `pairing-code-generated` (also in the detail view).
   */
  async requestPairingCode(
    workspaceId: number,
    uuid: string,
    phoneNumber: string,
  ): Promise<WhatsappSessionDetailView> {
    const session = await this.find(workspaceId, uuid);
    this.assertLinkable(session, 'a pairing code');
    const digits = phoneNumber.replace(/^\+/, '');
    await this.relaunch(
      session,
      (sessionId) => this.startAfresh(sessionId, { pairing_phone_number: digits }),
      { link_method: PAIRING_CODE },
    );
    return this.get(workspaceId, uuid);
  }

  /**
   * Unlinks the number: a WhatsApp Web client logs out (the device leaves the phone's linked
   * devices and the stored login is forgotten); a Meta number stops being used.
   */
  async disconnect(workspaceId: number, uuid: string): Promise<WhatsappSessionDetailView> {
    const session = await this.find(workspaceId, uuid);
    let reason: DisconnectReason = 'user_initiated';
    if (session.providerType === 'webjs') {
      try {
        reason = (await this.engine.logoutSession(session.sessionId)).reason ?? reason;
      } catch (error) {
        // A number no engine runs has no client to log out; its stored login is still forgotten.
        if (!(error instanceof EngineCommandError && error.sessionNotFound)) {
          throw this.engineFailure(error);
        }
      }
      // The engine forgets the login too; this holds even if its call back to us was lost.
      await this.sessions().update({ id: session.id }, { sessionData: null });
    }
    await this.markStopped(session, reason);
    return this.get(workspaceId, uuid);
  }

  /**
   * Removes the number (soft delete; also clears its secrets). Deleting it again answers the
   * same. The engine is asked to log the client out first, but a number the engine does not run,
   * or an engine that cannot be reached, does not keep it in the workspace.
   */
  async remove(workspaceId: number, uuid: string): Promise<void> {
    const session = await this.sessions().findOne({
      where: { workspaceId, uuid },
      withDeleted: true,
    });
    if (!session) throw AppException.notFound('WhatsApp number');
    if (session.deletedAt) return;
    if (session.providerType === 'webjs') {
      try {
        await this.engine.logoutSession(session.sessionId);
      } catch (error) {
        if (!(error instanceof EngineCommandError && error.sessionNotFound)) {
          this.logger.warn(
            `deleting ${session.sessionId} without logging out: ${(error as Error).message}`,
          );
        }
      }
    }
    const now = new Date();
    await this.transactions.run(async (manager) => {
      await manager.update(
        WhatsappSession,
        { id: session.id },
        {
          status: 'disconnected',
          disconnectReason: 'user_initiated',
          disconnectedAt: now,
          qrCode: null,
          sessionData: null,
          isPrimary: false,
          isActive: false,
        },
      );
      await manager.softDelete(WhatsappSession, { id: session.id });
    });
    await this.broadcastStatus(session, 'disconnected', 'user_initiated', now);
  }

  // -------------------------------------------------------------------------------------------

  private async createMeta(
    workspaceId: number,
    actorId: number,
    input: CreateSessionDto,
  ): Promise<WhatsappSessionDetailView> {
    const credentials = input.meta!;
    // Fail fast before calling Meta; the insert checks again, under the lock.
    const before = await this.limits(workspaceId);
    if (!before.can_add_number) throw planLimitReached(before);
    const info = await this.metaChecker.check(credentials);
    const taken = await this.sessions().findOne({
      where: { workspaceId, phoneNumber: info.phoneNumber, isActive: true },
    });
    if (taken) {
      throw AppException.conflict(`${info.phoneNumber} is already a number of this workspace`, {
        session_uuid: taken.uuid,
      });
    }
    const now = new Date();
    const session = await this.insert(workspaceId, input.is_primary, {
      sessionId: `meta_${randomBytes(6).toString('hex')}`,
      providerType: 'meta',
      status: 'connected',
      phoneNumber: info.phoneNumber,
      sessionData: sealMetaCredentials(this.secretBox, credentials, info),
      lastConnectedAt: now,
      lastActivityAt: now,
      metadata: metaMetadata(info),
      createdBy: actorId,
    });
    await this.announce(session);
    return this.get(workspaceId, session.uuid);
  }

  /** Checks a Meta number's stored credentials again; it is connected only if Graph agrees. */
  private async recheckMeta(session: WhatsappSession): Promise<WhatsappSessionDetailView> {
    const row = await this.sessions()
      .createQueryBuilder('s')
      .addSelect('s.sessionData')
      .where('s.id = :id', { id: session.id })
      .getOneOrFail();
    const credentials = openMetaCredentials(this.secretBox, row.sessionData);
    if (!credentials) {
      throw AppException.conflict('This Meta number has no stored credentials; add it again', {
        reason: SessionErrorReason.INVALID_STATUS,
      });
    }
    let info: MetaPhoneNumberInfo;
    try {
      info = await this.metaChecker.check(credentials);
    } catch (error) {
      if (error instanceof AppException && error.getStatus() === 422) {
        await this.markStopped(session, 'error', 'failed');
      }
      throw error;
    }
    const now = new Date();
    await this.sessions().save({
      id: session.id,
      status: 'connected',
      disconnectReason: null,
      phoneNumber: info.phoneNumber,
      lastConnectedAt: now,
      metadata: { ...session.metadata, ...metaMetadata(info) },
    });
    await this.broadcastStatus(session, 'connected', null, now, info.phoneNumber);
    return this.get(session.workspaceId, session.uuid);
  }

  /** Inserts a number after checking the plan limit, in one transaction under a workspace lock. */
  private async insert(
    workspaceId: number,
    isPrimary: boolean | undefined,
    fields: Partial<WhatsappSession>,
  ): Promise<WhatsappSession> {
    const outcome = await this.perWorkspace.run(workspaceId, () =>
      this.transactions.run(async (manager) => {
        await this.lockWorkspace(manager, workspaceId);
        // Answered rather than thrown: on SQLite a rollback would also undo whatever other
        // requests wrote on the shared connection meanwhile.
        const limits = await limitsWith(manager, workspaceId);
        if (!limits.can_add_number) return { ok: false as const, limits };
        const primary =
          isPrimary ??
          !(await manager.exists(WhatsappSession, {
            where: { workspaceId, isPrimary: true, isActive: true },
          }));
        if (primary) {
          await manager.update(
            WhatsappSession,
            { workspaceId, isPrimary: true },
            { isPrimary: false },
          );
        }
        const session = await manager.save(
          manager.create(WhatsappSession, {
            ...fields,
            uuid: randomUUID(),
            workspaceId,
            isPrimary: primary,
            isActive: true,
            healthScore: 100,
          }),
        );
        return { ok: true as const, session };
      }),
    );
    if (!outcome.ok) throw planLimitReached(outcome.limits);
    return outcome.session;
  }

  /** Only a WhatsApp Web number that is not linked has a QR or a pairing code to show. */
  private assertLinkable(session: WhatsappSession, what: string): void {
    if (session.providerType === 'meta') {
      throw new AppException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ErrorCode.VALIDATION_FAILED,
        `A Meta Cloud API number is linked with credentials and has no use for ${what}`,
        { reason: SessionErrorReason.NOT_SUPPORTED_BY_PROVIDER, provider_type: 'meta' },
      );
    }
    if (LINKED.includes(session.status)) {
      throw AppException.conflict(
        `This number is ${session.status}; disconnect it before asking for ${what}`,
        { reason: SessionErrorReason.INVALID_STATUS, status: session.status },
      );
    }
  }

  /** Stops the engine's client, if it runs one, and starts a new one with `request`. */
  private async startAfresh(sessionId: string, request: StartSessionRequest): Promise<void> {
    try {
      await this.engine.stopSession(sessionId);
    } catch (error) {
      if (!(error instanceof EngineCommandError && error.sessionNotFound)) throw error;
    }
    await this.engine.startSession(sessionId, request);
  }

  /**
   * Marks the number `initializing` before the engine is asked (its QR event may come back before
   * the answer does), then runs `command`; a session the engine no longer knows is started anew.
   * When the engine fails, the row goes back to what it was. `metadata` is merged into the
   * number's metadata, whose previous scan window is forgotten.
   */
  private async relaunch(
    session: WhatsappSession,
    command: (sessionId: string) => Promise<unknown>,
    metadata: Record<string, unknown> = {},
  ): Promise<void> {
    const previous = { status: session.status, disconnectReason: session.disconnectReason };
    await this.sessions().update(
      { id: session.id },
      {
        status: 'initializing',
        disconnectReason: null,
        qrCode: null,
        metadata: withoutLinking(session.metadata, metadata),
      },
    );
    await this.broadcastStatus(session, 'initializing', null, new Date());
    try {
      try {
        await command(session.sessionId);
      } catch (error) {
        if (!(error instanceof EngineCommandError && error.sessionNotFound)) throw error;
        await this.engine.startSession(session.sessionId);
      }
    } catch (error) {
      await this.settleFailedStart(session, previous);
      throw this.engineFailure(error, session);
    }
  }

  /** Puts the row back unless an engine event moved it on meanwhile. */
  private async settleFailedStart(
    session: WhatsappSession,
    to: { status: SessionStatus; disconnectReason: DisconnectReason | null },
  ): Promise<void> {
    const stopped = ['disconnected', 'failed', 'banned'].includes(to.status);
    const at = new Date();
    const result = await this.sessions().update(
      { id: session.id, status: 'initializing' },
      { ...to, ...(stopped ? { disconnectedAt: at } : {}) },
    );
    if (result.affected) await this.broadcastStatus(session, to.status, to.disconnectReason, at);
  }

  private async markStopped(
    session: WhatsappSession,
    reason: DisconnectReason,
    status: SessionStatus = 'disconnected',
  ): Promise<void> {
    const at = new Date();
    await this.sessions().update(
      { id: session.id },
      { status, disconnectReason: reason, disconnectedAt: at, qrCode: null },
    );
    await this.broadcastStatus(session, status, reason, at);
  }

  private engineFailure(error: unknown, session?: WhatsappSession): Error {
    if (!(error instanceof EngineCommandError)) {
      return error instanceof Error ? error : new Error(String(error));
    }
    const mapped = error.toAppException();
    if (!session) return mapped;
    return new AppException(mapped.getStatus(), mapped.code, mapped.message, {
      ...mapped.details,
      session_uuid: session.uuid,
    });
  }

  private announce(session: WhatsappSession): Promise<void> {
    return this.broadcastStatus(
      session,
      session.status,
      session.disconnectReason,
      new Date(),
      session.phoneNumber,
    );
  }

  private async broadcastStatus(
    session: WhatsappSession,
    status: SessionStatus,
    reason: DisconnectReason | null,
    at: Date,
    phoneNumber: string | null = session.phoneNumber,
  ): Promise<void> {
    await this.broadcaster.broadcast(
      [workspaceChannel(session.workspaceId), platformChannel()],
      RealtimeEvent.SESSION_STATUS_CHANGED,
      {
        workspace_id: Number(session.workspaceId),
        session_uuid: session.uuid,
        status,
        phone_number: phoneNumber,
        ...(reason ? { reason } : {}),
        at: at.toISOString(),
      },
    );
  }

  private async find(workspaceId: number, uuid: string): Promise<WhatsappSession> {
    const session = await this.sessions().findOne({ where: { workspaceId, uuid } });
    if (!session) throw AppException.notFound('WhatsApp number');
    return session;
  }

  /**
   * Holds the workspace row until the transaction ends, so other server nodes wait too: two
   * requests cannot both take the last slot or both become primary. (SQLite has one connection
   * and one writer; `perWorkspace` covers it.)
   */
  private async lockWorkspace(manager: EntityManager, workspaceId: number): Promise<void> {
    if (this.dataSource.options.type !== 'mysql') return;
    await manager.query('SELECT id FROM workspaces WHERE id = ? FOR UPDATE', [workspaceId]);
  }

  private sessions() {
    return this.dataSource.getRepository(WhatsappSession);
  }
}

type MetaMetadata = {
  verified_name: string | null;
  quality_rating: string | null;
  last_health_check: string;
};

function metaMetadata(info: MetaPhoneNumberInfo): MetaMetadata {
  return {
    verified_name: info.verifiedName,
    quality_rating: info.qualityRating,
    last_health_check: new Date().toISOString(),
  };
}
