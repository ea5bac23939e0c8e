import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HealthCheck, HealthView } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { APP_VERSION } from '../app-version';
import { DriverHealth } from '../drivers/driver-health';
import { EngineCommandsClient } from '../engine-link/engine-commands.client';

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drivers: DriverHealth,
    private readonly engine: EngineCommandsClient,
  ) {}

  async check(): Promise<HealthView> {
    const checks: Record<string, HealthCheck> = {
      database: await this.database(),
      ...(await this.drivers.check()),
    };
    // Only when this server has an engine to talk to (ENGINE_URL, or the local one it runs).
    if (this.engine.baseUrl) checks.engine = await this.engineCheck();
    const ok = Object.values(checks).every((c) => c.status === 'up');
    return {
      status: ok ? 'ok' : 'degraded',
      version: APP_VERSION,
      uptime_s: Math.round(process.uptime()),
      checks,
    };
  }

  private async engineCheck(): Promise<HealthCheck> {
    const started = performance.now();
    try {
      const health = await this.engine.health();
      return {
        status: 'up',
        optional: true,
        latency_ms: Math.round(performance.now() - started),
        details: {
          engine_id: health.engine_id,
          sessions: health.sessions,
          starts: health.starts,
          memory: health.memory,
        },
      };
    } catch (error) {
      return { status: 'down', optional: true, error: (error as Error).message };
    }
  }

  private async database(): Promise<HealthCheck> {
    const started = performance.now();
    try {
      await this.dataSource.query('SELECT 1');
      return {
        status: 'up',
        driver: this.dataSource.options.type,
        latency_ms: Math.round(performance.now() - started),
      };
    } catch (error) {
      return {
        status: 'down',
        driver: this.dataSource.options.type,
        error: (error as Error).message,
      };
    }
  }
}
