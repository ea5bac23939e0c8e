import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PlatformSessionView } from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { dbDateOrNull } from '../database/db-date';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { WorkspacesService } from '../workspaces/workspaces.service';

/** Every active linked number of every workspace, for platform admins. */
@Injectable()
export class PlatformSessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly workspaces: WorkspacesService,
  ) {}

  async list(): Promise<PlatformSessionView[]> {
    const [sessions, workspaces] = await Promise.all([
      this.dataSource.getRepository(WhatsappSession).find({
        where: { isActive: true },
        order: { workspaceId: 'ASC', id: 'ASC' },
      }),
      this.workspaces.listAll(),
    ]);
    const names = new Map(workspaces.map((w) => [Number(w.id), w.name]));
    return sessions.map((session) => {
      const name = session.metadata?.verified_name;
      return {
        uuid: session.uuid,
        workspace_id: Number(session.workspaceId),
        workspace_name: names.get(Number(session.workspaceId)) ?? '',
        phone_number: session.phoneNumber,
        name: typeof name === 'string' ? name : null,
        provider_type: session.providerType,
        status: session.status,
        disconnect_reason: session.disconnectReason,
        engine_id: session.engineId,
        last_connected_at: dbDateOrNull(session.lastConnectedAt)?.toISOString() ?? null,
        created_at: dbDateOrNull(session.createdAt)?.toISOString() ?? '',
      };
    });
  }
}
