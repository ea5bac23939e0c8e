import { Module } from '@nestjs/common';
import { EngineLinkModule } from '../engine-link/engine-link.module';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** `/api/health`: the database, the drivers and, when there is one, the engine. */
@Module({
  imports: [EngineLinkModule],
  controllers: [HealthController],
  providers: [HealthService],
})
export class HealthModule {}
