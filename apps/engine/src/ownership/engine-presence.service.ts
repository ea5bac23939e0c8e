import type { Server } from 'node:http';
import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { EngineAnnouncement } from '@switchboard/contracts';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { processTreePssBytes } from '../process/process-tree-memory';
import { SERVER_LINK, type EngineServerLink } from '../server-link/server-link.port';
import { SessionHostService } from '../sessions/session-host.service';

const MIB = 1_048_576;
/** Summing the PSS of every Chromium reads a file per process: often enough for an admin page. */
const MEMORY_SAMPLE_MS = 30_000;

/**
 * Keeps this engine in the server's registry of live engines: once it listens, and then every
 * third of the lease TTL (like the lease heartbeat), it announces its public URL and how many
 * sessions it runs, so the server routes each session's commands here and new sessions to the
 * least loaded engine. At shutdown it withdraws, so nothing more is routed to it.
 */
@Injectable()
export class EnginePresenceService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private stopped = false;
  private memory: { mb: number | null; at: number } = { mb: null, at: 0 };

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(SERVER_LINK) private readonly link: EngineServerLink,
    private readonly host: SessionHostService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    // Announced only once the port is open: the server may send a command the moment it knows us.
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || server.listening) this.schedule(0);
    else server.once('listening', () => this.schedule(0));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.beating;
    try {
      await this.link.withdraw();
    } catch (error) {
      this.logger.warn({ err: error }, 'leaving the server’s engine registry failed; it expires');
    }
  }

  /** One announcement now (the timer sends one every third of the lease TTL). */
  announceNow(): Promise<void> {
    this.beating ??= this.announce().finally(() => {
      this.beating = null;
    });
    return this.beating;
  }

  private async announce(): Promise<void> {
    const announcement: EngineAnnouncement = {
      engine_id: this.config.engineId,
      url: this.config.publicUrl,
      sessions: this.host.counts().running,
      max_sessions: this.config.maxSessions,
      memory_mb: await this.memoryMb(),
      ttl_ms: this.config.leaseTtlMs,
    };
    try {
      await this.link.announce(announcement);
    } catch (error) {
      this.logger.warn({ err: error }, 'announcing this engine to the server failed');
    }
  }

  private async memoryMb(): Promise<number | null> {
    const now = Date.now();
    if (now - this.memory.at >= MEMORY_SAMPLE_MS) {
      const pss = await processTreePssBytes(process.pid).catch(() => null);
      this.memory = { mb: pss === null ? null : Math.round(pss / MIB), at: now };
    }
    return this.memory.mb;
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.announceNow().finally(() =>
        this.schedule(Math.max(1, Math.floor(this.config.leaseTtlMs / 3))),
      );
    }, delayMs);
    this.timer.unref();
  }
}
