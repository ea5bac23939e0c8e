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
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { MemberView } from '@switchboard/contracts';
import { CurrentAuth } from '../auth/auth.decorators';
import type { AuthContext, WorkspaceContext } from '../auth/request-context';
import { AppException } from '../common/app.exception';
import { MembersService } from './members.service';
import { CurrentWorkspace, MinRole, WorkspaceScoped } from './workspace-context';
import { AddMemberDto, ChangeMemberRoleDto } from './workspaces.dto';

const uuidPipe = new ParseUUIDPipe({ exceptionFactory: () => AppException.notFound('Member') });

@ApiTags('members')
@Controller('api/members')
@WorkspaceScoped()
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Get()
  list(@CurrentWorkspace() ws: WorkspaceContext): Promise<MemberView[]> {
    return this.members.list(ws.workspaceId);
  }

  @Post()
  @MinRole('owner')
  add(
    @CurrentWorkspace() ws: WorkspaceContext,
    @CurrentAuth() auth: AuthContext,
    @Body() body: AddMemberDto,
  ): Promise<MemberView> {
    return this.members.add(ws.workspaceId, auth.user.id, body);
  }

  @Patch(':uuid')
  @MinRole('owner')
  changeRole(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
    @Body() body: ChangeMemberRoleDto,
  ): Promise<MemberView> {
    return this.members.changeRole(ws.workspaceId, uuid, body.role);
  }

  @Delete(':uuid')
  @MinRole('owner')
  @HttpCode(204)
  remove(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', uuidPipe) uuid: string,
  ): Promise<void> {
    return this.members.remove(ws.workspaceId, uuid);
  }
}
