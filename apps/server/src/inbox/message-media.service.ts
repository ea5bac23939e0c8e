import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { parseChatMetadata } from '../messaging/chat-metadata';
import { storedSend } from '../sending/outbound-metadata';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import {
  MAX_MEDIA_BYTES,
  WHATSAPP_ADAPTERS,
  type WhatsAppAdapters,
} from '../whatsapp/whatsapp-adapter.port';
import { WhatsAppException } from '../whatsapp/whatsapp.exception';
import { stringOrNull } from './message-view';

/** A message's media on this node's disk, ready to be sent. */
export interface StoredMedia {
  kind: 'file';
  path: string;
  mimetype: string | null;
  filename: string | null;
}

/** Media an agent sent by public link: the browser is sent there. */
export interface LinkedMedia {
  kind: 'link';
  url: string;
}

interface MediaRow {
  uuid: string;
  workspace_id: number | string;
  whatsapp_session_id: number | string | null;
  wam_id: string | null;
  metadata: string | null;
}

/** What is kept beside the bytes. */
interface MediaFacts {
  mimetype: string | null;
  filename: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A message's media bytes for the inbox. WhatsApp keeps media for a limited time (Meta's URLs
 * last minutes, its media ids about 30 days; WhatsApp Web only while the phone has it), so the
 * first fetch is kept under `DATA_DIR/media/<workspace>/`, and later views never ask the
 * provider again. Two views at once fetch once.
 */
@Injectable()
export class MessageMediaService {
  private readonly fetching = new Map<string, Promise<StoredMedia>>();
  private readonly root: string;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(WHATSAPP_ADAPTERS) private readonly adapters: WhatsAppAdapters,
  ) {
    this.root = resolve(config.dataDir, 'media');
  }

  async media(
    workspaceId: number,
    contactUuid: string,
    messageUuid: string,
  ): Promise<StoredMedia | LinkedMedia> {
    if (!UUID.test(messageUuid)) throw AppException.notFound('Message');
    const [row] = await this.dataSource.query<MediaRow[]>(
      'SELECT ch.uuid, ch.workspace_id, ch.whatsapp_session_id, ch.wam_id, ch.metadata ' +
        'FROM chats ch JOIN contacts c ON c.id = ch.contact_id ' +
        'WHERE c.workspace_id = ? AND c.uuid = ? AND c.deleted_at IS NULL ' +
        'AND ch.workspace_id = ? AND ch.uuid = ? AND ch.deleted_at IS NULL',
      [workspaceId, contactUuid, workspaceId, messageUuid],
    );
    if (!row) throw AppException.notFound('Message');
    const metadata = parseChatMetadata(row.metadata ?? '');
    const media =
      typeof metadata.media === 'object' && metadata.media !== null
        ? (metadata.media as Record<string, unknown>)
        : null;
    if (!media || metadata.revoked === true) {
      throw new AppException(
        HttpStatus.NOT_FOUND,
        ErrorCode.NOT_FOUND,
        'This message has no media',
      );
    }
    const facts: MediaFacts = {
      mimetype: stringOrNull(media.mimetype),
      filename: stringOrNull(media.filename),
    };
    const path = join(this.root, String(Number(row.workspace_id)), row.uuid);
    const kept = await this.kept(path);
    if (kept) return kept;

    const sent = storedSend(metadata)?.content;
    if (sent?.type === 'media' && sent.media.base64) {
      const data = Buffer.from(sent.media.base64.replace(/^data:[^,]*;base64,/, ''), 'base64');
      return this.keep(path, data, facts);
    }
    const link = stringOrNull(media.url);
    if (link && /^https?:\/\//i.test(link)) return { kind: 'link', url: link };

    let pending = this.fetching.get(path);
    if (!pending) {
      pending = this.fetch(row, media, facts, path).finally(() => this.fetching.delete(path));
      this.fetching.set(path, pending);
    }
    return pending;
  }

  private async fetch(
    row: MediaRow,
    media: Record<string, unknown>,
    facts: MediaFacts,
    path: string,
  ): Promise<StoredMedia> {
    const number =
      row.whatsapp_session_id === null
        ? null
        : await this.dataSource
            .getRepository(WhatsappSession)
            .createQueryBuilder('number')
            .addSelect('number.sessionData')
            .where('number.id = :id', { id: Number(row.whatsapp_session_id) })
            .getOne();
    if (!number) {
      throw new AppException(
        HttpStatus.GONE,
        ErrorCode.GONE,
        'The number this message came through is gone, and its media with it',
      );
    }
    try {
      const fetched = await this.adapters[number.providerType].fetchMedia(number, {
        providerMessageId: row.wam_id,
        providerMediaId: stringOrNull(media.provider_media_id),
      });
      return await this.keep(path, fetched.data, {
        ...facts,
        mimetype: facts.mimetype ?? fetched.mimetype,
      });
    } catch (error) {
      if (error instanceof WhatsAppException) throw error.toHttp();
      throw error;
    }
  }

  /** Written whole or not at all: a reader never sees half a file. */
  private async keep(path: string, data: Buffer, facts: MediaFacts): Promise<StoredMedia> {
    if (data.length > MAX_MEDIA_BYTES) {
      throw new AppException(
        HttpStatus.BAD_GATEWAY,
        ErrorCode.BAD_GATEWAY,
        `The media is larger than ${MAX_MEDIA_BYTES} bytes`,
      );
    }
    await mkdir(join(path, '..'), { recursive: true });
    const temporary = `${path}.${randomUUID()}.part`;
    await writeFile(`${temporary}.json`, JSON.stringify(facts));
    await writeFile(temporary, data);
    await rename(`${temporary}.json`, `${path}.json`);
    await rename(temporary, path);
    return { kind: 'file', path, ...facts };
  }

  private async kept(path: string): Promise<StoredMedia | null> {
    try {
      await stat(path);
      const facts = JSON.parse(await readFile(`${path}.json`, 'utf8')) as MediaFacts;
      return { kind: 'file', path, mimetype: facts.mimetype, filename: facts.filename };
    } catch {
      return null;
    }
  }
}
