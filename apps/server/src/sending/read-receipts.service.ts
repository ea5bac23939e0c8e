import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Contact } from '../inbox/contact.entity';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { WHATSAPP_ADAPTERS, type WhatsAppAdapters } from '../whatsapp/whatsapp-adapter.port';

/**
 * Tells the customer's WhatsApp that an agent read the conversation (the blue ticks): for each
 * number, the newest message the customer wrote there is marked read, which marks every earlier
 * one too (Meta: that message; WhatsApp Web: the whole chat). Best effort: a number that cannot
 * is logged and skipped, and marking read in the inbox never waits for it.
 */
@Injectable()
export class ReadReceiptsService {
  private readonly logger = new Logger('ReadReceipts');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WHATSAPP_ADAPTERS) private readonly adapters: WhatsAppAdapters,
  ) {}

  /** Sends the receipts in the background; the caller does not wait. */
  sendInBackground(workspaceId: number, contactUuid: string, sessionUuid?: string): void {
    void this.send(workspaceId, contactUuid, sessionUuid).catch((error: unknown) =>
      this.logger.warn(`read receipts failed: ${(error as Error).message}`),
    );
  }

  /** Returns how many numbers took a receipt. */
  async send(workspaceId: number, contactUuid: string, sessionUuid?: string): Promise<number> {
    const contact = await this.dataSource
      .getRepository(Contact)
      .findOne({ where: { workspaceId, uuid: contactUuid } });
    if (!contact) return 0;
    const latest = await this.dataSource
      .createQueryBuilder()
      .select('chat.whatsapp_session_id', 'session_id')
      .addSelect('chat.wam_id', 'wam_id')
      .from('chats', 'chat')
      .where('chat.contact_id = :contactId', { contactId: contact.id })
      .andWhere("chat.type = 'inbound'")
      .andWhere('chat.wam_id IS NOT NULL')
      .andWhere('chat.whatsapp_session_id IS NOT NULL')
      .andWhere(
        'chat.id = (SELECT MAX(newer.id) FROM chats newer WHERE newer.contact_id = chat.contact_id ' +
          "AND newer.whatsapp_session_id = chat.whatsapp_session_id AND newer.type = 'inbound')",
      )
      .getRawMany<{ session_id: number | string; wam_id: string }>();
    let sent = 0;
    for (const row of latest) {
      const number = await this.dataSource
        .getRepository(WhatsappSession)
        .createQueryBuilder('number')
        .addSelect('number.sessionData')
        .where('number.id = :id', { id: Number(row.session_id) })
        .andWhere('number.workspaceId = :workspaceId', { workspaceId })
        .getOne();
      if (!number || number.status !== 'connected') continue;
      if (sessionUuid && number.uuid !== sessionUuid) continue;
      const adapter = this.adapters[number.providerType];
      if (!adapter.capabilities.has('mark_read')) continue;
      try {
        await adapter.markRead(
          number,
          { phone: contact.phone?.replace(/^\+/, '') ?? null, whatsappId: contact.whatsappId },
          row.wam_id,
        );
        sent += 1;
      } catch (error) {
        this.logger.warn(`number ${number.uuid} could not mark read: ${(error as Error).message}`);
      }
    }
    return sent;
  }
}
