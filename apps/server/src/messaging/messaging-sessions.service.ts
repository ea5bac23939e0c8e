import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { SecretBox } from '@switchboard/contracts/node';
import type { DataSource } from 'typeorm';
import { openMetaCredentials, type StoredMetaCredentials } from '../sessions/meta-credentials';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import type { SessionRef } from './inbound-pipeline.service';

/** A Meta Cloud API number of a workspace, with what its webhooks need. */
export interface MetaNumber {
  session: SessionRef;
  phoneNumberId: string;
  /** The Meta app secret that signs the number's webhooks; null when none was stored. */
  appSecret: string | null;
}

/** Finds the number an inbound event belongs to. Soft-deleted numbers receive nothing. */
@Injectable()
export class MessagingSessionsService {
  private readonly logger = new Logger('MessagingSessions');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly secretBox: SecretBox,
  ) {}

  async findWebjs(sessionId: string): Promise<SessionRef | null> {
    const session = await this.sessions().findOne({
      where: { sessionId, providerType: 'webjs' },
    });
    return session ? toRef(session) : null;
  }

  /** The workspace's Meta numbers, their sealed credentials opened. */
  async findMetaNumbers(workspaceId: number): Promise<MetaNumber[]> {
    const sessions = await this.sessions()
      .createQueryBuilder('s')
      .addSelect('s.sessionData')
      .where('s.workspace_id = :workspaceId', { workspaceId })
      .andWhere("s.provider_type = 'meta'")
      .getMany();
    const numbers: MetaNumber[] = [];
    for (const session of sessions) {
      const credentials = this.open(session);
      const phoneNumberId = credentials?.phone_number_id;
      if (typeof phoneNumberId !== 'string' && typeof phoneNumberId !== 'number') continue;
      const appSecret = credentials?.app_secret;
      numbers.push({
        session: toRef(session),
        phoneNumberId: String(phoneNumberId),
        appSecret: typeof appSecret === 'string' && appSecret !== '' ? appSecret : null,
      });
    }
    return numbers;
  }

  private open(session: WhatsappSession): StoredMetaCredentials | null {
    try {
      return openMetaCredentials(this.secretBox, session.sessionData);
    } catch (error) {
      this.logger.warn(
        `Meta number ${session.uuid}: credentials cannot be opened (${(error as Error).message})`,
      );
      return null;
    }
  }

  private sessions() {
    return this.dataSource.getRepository(WhatsappSession);
  }
}

function toRef(session: WhatsappSession): SessionRef {
  return {
    id: Number(session.id),
    uuid: session.uuid,
    workspaceId: Number(session.workspaceId),
    providerType: session.providerType,
  };
}
