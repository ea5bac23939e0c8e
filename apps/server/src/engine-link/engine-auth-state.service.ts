import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode, type AuthStateView } from '@switchboard/contracts';
import { SecretBox } from '@switchboard/contracts/node';
import type { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { EngineLeasesService } from './engine-leases.service';

/** Where engines upload auth archives, and how large one may be (JSON, base64). */
export const ENGINE_AUTH_STATE_ROUTES = /^\/api\/engine\/sessions\/[^/]+\/auth-state$/;
export const ENGINE_AUTH_STATE_LIMIT_BYTES = 96 * 1024 * 1024;

/** What `session_data` holds for a WhatsApp Web session, sealed as a whole. */
interface StoredAuthState {
  kind: 'webjs-auth';
  archive: string;
  updated_at: string;
}

/**
 * Keeps each WhatsApp Web session's auth archive sealed (AES-256-GCM, the app's key ring) in
 * `whatsapp_sessions.session_data`, so any engine can restore a linked number without a new QR.
 * Only the engine holding the session's lease may write it.
 */
@Injectable()
export class EngineAuthStateService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secretBox: SecretBox,
    private readonly leases: EngineLeasesService,
  ) {}

  async save(sessionId: string, engineId: string, archive: string): Promise<AuthStateView> {
    await this.requireWebjs(sessionId);
    await this.requireHolder(sessionId, engineId);
    const state: StoredAuthState = {
      kind: 'webjs-auth',
      archive,
      updated_at: new Date().toISOString(),
    };
    await this.repository().update(
      { sessionId },
      { sessionData: this.secretBox.seal(JSON.stringify(state)) },
    );
    return { archive, updated_at: state.updated_at };
  }

  async read(sessionId: string): Promise<AuthStateView> {
    const session = await this.repository()
      .createQueryBuilder('session')
      .addSelect('session.sessionData')
      .where('session.sessionId = :sessionId', { sessionId })
      .getOne();
    if (!session || session.providerType !== 'webjs') throw AppException.notFound('Session');
    if (!session.sessionData) throw AppException.notFound('Auth state');
    const state = JSON.parse(
      this.secretBox.open(session.sessionData).toString('utf8'),
    ) as StoredAuthState;
    return { archive: state.archive, updated_at: state.updated_at };
  }

  /** After a logout the stored link is worthless; a later start needs a new QR. */
  async clear(sessionId: string, engineId: string): Promise<void> {
    await this.requireWebjs(sessionId);
    await this.requireHolder(sessionId, engineId);
    await this.repository().update({ sessionId }, { sessionData: null });
  }

  private async requireWebjs(sessionId: string): Promise<void> {
    const session = await this.repository().findOne({
      select: { id: true, providerType: true },
      where: { sessionId },
    });
    if (!session || session.providerType !== 'webjs') throw AppException.notFound('Session');
  }

  private async requireHolder(sessionId: string, engineId: string): Promise<void> {
    const holder = await this.leases.holder(sessionId);
    if (holder !== engineId) {
      throw new AppException(
        HttpStatus.CONFLICT,
        ErrorCode.CONFLICT,
        `Engine ${engineId} does not hold the lease of session ${sessionId}`,
        { holder },
      );
    }
  }

  private repository() {
    return this.dataSource.getRepository(WhatsappSession);
  }
}
