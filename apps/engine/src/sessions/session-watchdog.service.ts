import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { RecoveryReason } from '@switchboard/contracts';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import type { ProcessEntry } from '../process/proc-table';
import { processTable, processTreePssBytes } from '../process/process-tree-memory';
import { SessionHostService } from './session-host.service';
import type { WhatsAppSession } from './whatsapp-session';

const MIB = 1024 * 1024;

/**
 * Catches sessions that say "connected" but are not: every `ENGINE_WATCHDOG_INTERVAL_MS` each
 * connected session's page is asked for its state (a frozen or crashed page, or a vanished
 * browser, does not answer in time), and its Chromium's memory is checked against the cap. Such a
 * session is recycled from its stored login, and the recovery is reported with its reason.
 */
@Injectable()
export class SessionWatchdogService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    private readonly host: SessionHostService,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.watchdogIntervalMs > 0) this.schedule();
  }

  /** Before the sessions close: no recycle may start a client during shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.round;
  }

  /** One round over every connected session (the timer runs one per interval). */
  checkNow(): Promise<void> {
    // One read of the process table for the whole round: read per session, it cost 50 sessions
    // × every process on the machine (~500 with 50 Chromiums) file reads, seconds of CPU.
    let table: Promise<Map<number, ProcessEntry>> | null = null;
    const processes = () => (table ??= processTable());
    this.round ??= this.host
      .checkHealth((session) => this.judge(session, processes))
      .catch((error: unknown) => this.logger.error({ err: error }, 'watchdog round failed'))
      .finally(() => {
        this.round = null;
      });
    return this.round;
  }

  private async judge(
    session: WhatsAppSession,
    processes: () => Promise<Map<number, ProcessEntry>>,
  ): Promise<{ reason: RecoveryReason; detail: string } | null> {
    const probe = await session.probe(this.config.watchdogTimeoutMs);
    if (!probe.alive) return { reason: 'unresponsive', detail: probe.detail };
    const limit = this.config.sessionMemoryLimitMb;
    const pid = session.browserPid();
    if (limit > 0 && pid !== null) {
      // A browser started after the table was read is not in it (null): checked next round.
      const pss = await processTreePssBytes(pid, await processes());
      if (pss !== null && pss > limit * MIB)
        return { reason: 'memory_limit', detail: `${Math.round(pss / MIB)} MiB > ${limit} MiB` };
    }
    return null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.checkNow().finally(() => this.schedule());
    }, this.config.watchdogIntervalMs);
    this.timer.unref();
  }
}
