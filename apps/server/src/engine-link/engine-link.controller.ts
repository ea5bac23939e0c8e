import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  ENGINE_EVENTS_PATH,
  ENGINE_LINK_PATHS,
  ENGINE_SESSION_ID_PATTERN,
  type AuthStateView,
  type ClaimsAnswer,
  type EngineEvent,
  type LeaseAnswer,
} from '@switchboard/contracts';
import { AppException } from '../common/app.exception';
import {
  AuthStateDto,
  ClaimsRequestDto,
  EngineAnnouncementDto,
  EngineEventDto,
  EngineIdQuery,
  EngineWithdrawalDto,
  LeaseRequestDto,
  ReleaseRequestDto,
} from './engine-link.dto';
import { EngineAuthStateService } from './engine-auth-state.service';
import { EngineInboxService, type InboxReceipt } from './engine-inbox.service';
import { EngineLeasesService } from './engine-leases.service';
import { EngineRegistry } from './engine-registry.service';
import { EngineSigned } from './engine-signature.guard';

const route = (path: string): string => path.slice(1);

/** What engines call on the server; every route needs a valid engine signature. */
@ApiExcludeController()
@Controller()
@EngineSigned()
export class EngineLinkController {
  constructor(
    private readonly inbox: EngineInboxService,
    private readonly leases: EngineLeasesService,
    private readonly authState: EngineAuthStateService,
    private readonly registry: EngineRegistry,
  ) {}

  @Post(route(ENGINE_LINK_PATHS.announce))
  @HttpCode(204)
  async announce(@Body() body: EngineAnnouncementDto): Promise<void> {
    await this.registry.announce(body);
  }

  @Post(route(ENGINE_LINK_PATHS.withdraw))
  @HttpCode(204)
  async withdraw(@Body() body: EngineWithdrawalDto): Promise<void> {
    await this.registry.withdraw(body.engine_id);
  }

  @Post(route(ENGINE_EVENTS_PATH))
  @HttpCode(202)
  receive(@Body() event: EngineEventDto): Promise<InboxReceipt> {
    return this.inbox.receive(event as unknown as EngineEvent);
  }

  @Post(route(ENGINE_LINK_PATHS.acquireLeases))
  @HttpCode(200)
  acquire(@Body() body: LeaseRequestDto): Promise<LeaseAnswer> {
    return this.leases.acquire(body.engine_id, body.session_ids, body.ttl_ms);
  }

  @Post(route(ENGINE_LINK_PATHS.renewLeases))
  @HttpCode(200)
  renew(@Body() body: LeaseRequestDto): Promise<LeaseAnswer> {
    return this.leases.renew(body.engine_id, body.session_ids, body.ttl_ms);
  }

  @Post(route(ENGINE_LINK_PATHS.releaseLeases))
  @HttpCode(204)
  async release(@Body() body: ReleaseRequestDto): Promise<void> {
    await this.leases.release(body.engine_id, body.session_ids);
  }

  @Post(route(ENGINE_LINK_PATHS.claims))
  @HttpCode(200)
  claims(@Body() body: ClaimsRequestDto): Promise<ClaimsAnswer> {
    return this.leases.claimable(body.engine_id, body.capacity, body.running_session_ids ?? []);
  }

  @Put(route(ENGINE_LINK_PATHS.authState))
  saveAuthState(
    @Param('sessionId') sessionId: string,
    @Body() body: AuthStateDto,
  ): Promise<AuthStateView> {
    return this.authState.save(validSessionId(sessionId), body.engine_id, body.archive);
  }

  @Get(route(ENGINE_LINK_PATHS.authState))
  readAuthState(@Param('sessionId') sessionId: string): Promise<AuthStateView> {
    return this.authState.read(validSessionId(sessionId));
  }

  @Delete(route(ENGINE_LINK_PATHS.authState))
  @HttpCode(204)
  async clearAuthState(
    @Param('sessionId') sessionId: string,
    @Query() query: EngineIdQuery,
  ): Promise<void> {
    await this.authState.clear(validSessionId(sessionId), query.engine_id);
  }
}

function validSessionId(sessionId: string): string {
  if (!ENGINE_SESSION_ID_PATTERN.test(sessionId)) throw AppException.notFound('Session');
  return sessionId;
}
