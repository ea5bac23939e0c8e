import { Module, type DynamicModule } from '@nestjs/common';
import type { EngineConfig } from './engine-config';
import { ENGINE_CONFIG } from './engine.tokens';
import { HealthController } from './health/health.controller';

@Module({})
export class EngineModule {
  static forRoot(config: EngineConfig): DynamicModule {
    return {
      module: EngineModule,
      controllers: [HealthController],
      providers: [{ provide: ENGINE_CONFIG, useValue: config }],
    };
  }
}
