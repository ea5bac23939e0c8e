import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { ErrorCode, type ContactView, type Page } from '@switchboard/contracts';
import { Brackets, Repository } from 'typeorm';
import { AppException } from '../common/app.exception';
import { Contact } from './contact.entity';
import type { CreateContactDto, ListContactsQuery, UpdateContactDto } from './contacts.dto';
import { toE164 } from './phone-number';

@Injectable()
export class ContactsService {
  constructor(@InjectRepository(Contact) private readonly contacts: Repository<Contact>) {}

  /** Newest first, by id cursor, so pages stay stable while contacts are added. */
  async list(workspaceId: number, query: ListContactsQuery): Promise<Page<ContactView>> {
    const limit = query.limit ?? 50;
    const qb = this.contacts
      .createQueryBuilder('c')
      .where('c.workspace_id = :workspaceId', { workspaceId })
      .orderBy('c.id', 'DESC')
      .take(limit + 1);
    if (query.cursor) {
      const before = decodeCursor(query.cursor);
      qb.andWhere('c.id < :before', { before });
    }
    if (query.q) {
      const like = `%${escapeLike(query.q)}%`;
      // People type phone numbers with spaces and dashes; stored numbers are E.164 digits.
      const digits = /^[\d\s()+.-]+$/.test(query.q) ? query.q.replace(/\D/g, '') : '';
      qb.andWhere(
        new Brackets((w) => {
          w.where("c.first_name LIKE :like ESCAPE '!'", { like })
            .orWhere("c.last_name LIKE :like ESCAPE '!'", { like })
            .orWhere("c.phone LIKE :like ESCAPE '!'", { like });
          if (digits.length >= 3) w.orWhere('c.phone LIKE :digits', { digits: `%${digits}%` });
        }),
      );
    }
    const rows = await qb.getMany();
    const page = rows.slice(0, limit);
    return {
      data: page.map(toView),
      next_cursor: rows.length > limit ? encodeCursor(page[page.length - 1]!.id) : null,
    };
  }

  async get(workspaceId: number, uuid: string): Promise<ContactView> {
    return toView(await this.find(workspaceId, uuid));
  }

  async create(
    workspaceId: number,
    actorId: number,
    input: CreateContactDto,
  ): Promise<ContactView> {
    const phone = requirePhone(input.phone);
    await this.assertPhoneFree(workspaceId, phone);
    const contact = await this.contacts.save(
      this.contacts.create({
        uuid: randomUUID(),
        workspaceId,
        firstName: input.first_name ?? null,
        lastName: input.last_name ?? null,
        phone,
        email: input.email ?? null,
        createdBy: actorId,
      }),
    );
    return toView(contact);
  }

  async update(workspaceId: number, uuid: string, input: UpdateContactDto): Promise<ContactView> {
    const contact = await this.find(workspaceId, uuid);
    if (input.phone !== undefined) {
      const phone = requirePhone(input.phone);
      if (phone !== contact.phone) await this.assertPhoneFree(workspaceId, phone);
      contact.phone = phone;
    }
    if (input.first_name !== undefined) contact.firstName = input.first_name;
    if (input.last_name !== undefined) contact.lastName = input.last_name;
    if (input.email !== undefined) contact.email = input.email;
    return toView(await this.contacts.save(contact));
  }

  async remove(workspaceId: number, uuid: string): Promise<void> {
    const contact = await this.find(workspaceId, uuid);
    await this.contacts.softDelete({ id: contact.id });
  }

  private async find(workspaceId: number, uuid: string): Promise<Contact> {
    const contact = await this.contacts.findOne({ where: { workspaceId, uuid } });
    if (!contact) throw AppException.notFound('Contact');
    return contact;
  }

  private async assertPhoneFree(workspaceId: number, phone: string): Promise<void> {
    // Soft-deleted contacts still hold Blazz's unique (workspace_id, phone) key.
    const taken = await this.contacts.findOne({ where: { workspaceId, phone }, withDeleted: true });
    if (taken)
      throw AppException.conflict(`A contact with phone ${phone} already exists`, { phone });
  }
}

/** `!` as the LIKE escape character: it needs no escaping itself in MySQL or SQLite literals. */
function escapeLike(text: string): string {
  return text.replace(/[!%_]/g, (m) => `!${m}`);
}

function requirePhone(input: string): string {
  const phone = toE164(input);
  if (!phone) {
    throw new AppException(
      HttpStatus.BAD_REQUEST,
      ErrorCode.VALIDATION_FAILED,
      'Invalid request: phone: must be a phone number with country code, e.g. +62 812-3456-7890',
      {
        fields: [
          {
            field: 'phone',
            problems: ['must be a phone number with country code, e.g. +62 812-3456-7890'],
          },
        ],
      },
    );
  }
  return phone;
}

function encodeCursor(id: number): string {
  return Buffer.from(String(id)).toString('base64url');
}

function decodeCursor(cursor: string): number {
  const id = Number(Buffer.from(cursor, 'base64url').toString());
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AppException(
      HttpStatus.BAD_REQUEST,
      ErrorCode.VALIDATION_FAILED,
      'Invalid request: cursor: is not a cursor this API gave out',
      {
        fields: [{ field: 'cursor', problems: ['is not a cursor this API gave out'] }],
      },
    );
  }
  return id;
}

function toView(contact: Contact): ContactView {
  return {
    uuid: contact.uuid,
    first_name: contact.firstName,
    last_name: contact.lastName,
    phone: contact.phone,
    email: contact.email,
    created_at: new Date(contact.createdAt).toISOString(),
  };
}
