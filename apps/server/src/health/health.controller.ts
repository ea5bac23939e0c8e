import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { HealthView } from '@switchboard/contracts';
import type { Response } from 'express';
import { Public } from '../auth/auth.decorators';
import { HealthService } from './health.service';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /**
   * Each check's state; 503 when a dependency the server cannot serve without is down (so a load
   * balancer takes it out), 200 otherwise — `degraded` when only an optional one is.
   */
  @Public()
  @Get()
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthView> {
    const view = await this.health.check();
    const serving = Object.values(view.checks).every((c) => c.status === 'up' || c.optional);
    res.status(serving ? 200 : 503);
    return view;
  }
}
