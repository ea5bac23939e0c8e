import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { HealthCheck, HealthView } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { APP_VERSION } from '../app-version';
import { DriverHealth } from '../drivers/driver-health';

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly drivers: DriverHealth,
  ) {}

  async check(): Promise<HealthView> {
    const checks: Record<string, HealthCheck> = {
      database: await this.database(),
      ...(await this.drivers.check()),
    };
    const ok = Object.values(checks).every((c) => c.status === 'up');
    return {
      status: ok ? 'ok' : 'degraded',
      version: APP_VERSION,
      uptime_s: Math.round(process.uptime()),
      checks,
    };
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
