import { Module } from '@nestjs/common';
import { EngineAuthStateService } from './engine-auth-state.service';
import { EngineCommandsClient } from './engine-commands.client';
import { EngineInboxService } from './engine-inbox.service';
import { EngineLeasesService } from './engine-leases.service';
import { EngineLinkController } from './engine-link.controller';
import { EngineRegistry } from './engine-registry.service';
import { EngineSignatureGuard } from './engine-signature.guard';
import {
  BUILT_ENGINE_SCRIPT,
  LOCAL_ENGINE_LAUNCH,
  LocalEngineSupervisor,
} from './local-engine.supervisor';

/**
 * The server's side of the engine link: signed routes for engine events (stored in an inbox
 * first), session leases, adoption claims and the sealed auth state; and, on a single machine,
 * the local engine process; the registry of live engines, through which commands reach the engine
 * holding each session ({@link EngineRegistry}). Feature modules register event handlers with
 * {@link EngineInboxService}.
 */
@Module({
  controllers: [EngineLinkController],
  providers: [
    EngineSignatureGuard,
    EngineInboxService,
    EngineLeasesService,
    EngineRegistry,
    EngineAuthStateService,
    { provide: LOCAL_ENGINE_LAUNCH, useValue: { script: BUILT_ENGINE_SCRIPT } },
    LocalEngineSupervisor,
    EngineCommandsClient,
  ],
  exports: [EngineInboxService, EngineLeasesService, EngineCommandsClient, EngineRegistry],
})
export class EngineLinkModule {}
