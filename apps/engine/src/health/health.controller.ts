import { Controller, Get, Inject } from '@nestjs/common';
import type { EngineHealth } from '@switchboard/contracts';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG } from '../engine.tokens';
import { SessionHostService } from '../sessions/session-host.service';

@Controller()
export class HealthController {
  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly host: SessionHostService,
  ) {}

  @Get('health')
  health(): EngineHealth {
    const memory = process.memoryUsage();
    return {
      status: 'ok',
      engine_id: this.config.engineId,
      uptime_s: Math.round(process.uptime()),
      sessions: { ...this.host.counts(), max: this.config.maxSessions },
      starts: { ...this.host.startCounts(), concurrency: this.config.startConcurrency },
      memory: {
        rss_mb: Math.round(memory.rss / 1_048_576),
        heap_used_mb: Math.round(memory.heapUsed / 1_048_576),
      },
    };
  }
}
