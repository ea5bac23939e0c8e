import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ContactView, Page } from '@switchboard/contracts';
import { CurrentAuth } from '../auth/auth.decorators';
import type { AuthContext, WorkspaceContext } from '../auth/request-context';
import { AppException } from '../common/app.exception';
import { CurrentWorkspace, MinRole, WorkspaceScoped } from '../workspaces/workspace-context';
import { CreateContactDto, ListContactsQuery, UpdateContactDto } from './contacts.dto';
import { ContactsService } from './contacts.service';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => AppException.notFound('Contact') });

@ApiTags('contacts')
@Controller('api/contacts')
@WorkspaceScoped()
export class ContactsController {
  constructor(private readonly contacts: ContactsService) {}

  @Get()
  list(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Query() query: ListContactsQuery,
  ): Promise<Page<ContactView>> {
    return this.contacts.list(ws.workspaceId, query);
  }

  @Post()
  create(
    @CurrentWorkspace() ws: WorkspaceContext,
    @CurrentAuth() auth: AuthContext,
    @Body() body: CreateContactDto,
  ): Promise<ContactView> {
    return this.contacts.create(ws.workspaceId, auth.user.id, body);
  }

  @Get(':uuid')
  get(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<ContactView> {
    return this.contacts.get(ws.workspaceId, uuid);
  }

  @Patch(':uuid')
  update(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
    @Body() body: UpdateContactDto,
  ): Promise<ContactView> {
    return this.contacts.update(ws.workspaceId, uuid, body);
  }

  @Delete(':uuid')
  @MinRole('manager')
  @HttpCode(204)
  remove(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<void> {
    return this.contacts.remove(ws.workspaceId, uuid);
  }
}
