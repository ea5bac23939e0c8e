import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { EngineConfig } from '../engine-config';
import { ENGINE_CONFIG, ENGINE_LOGGER } from '../engine.tokens';
import { SERVER_LINK, type EngineServerLink } from '../server-link/server-link.port';
import { SessionHostService } from '../sessions/session-host.service';

/**
 * Brings linked sessions home: at boot (its own, after a restart) and then every
 * `ENGINE_CLAIM_INTERVAL_MS` (any engine's whose lease ran out because it died), this engine asks
 * the server for sessions without an owner and starts them from their stored logins.
 */
@Injectable()
export class SessionAdoptionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    @Inject(ENGINE_CONFIG) private readonly config: EngineConfig,
    @Inject(SERVER_LINK) private readonly link: EngineServerLink,
    private readonly host: SessionHostService,
    @Inject(ENGINE_LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.claimIntervalMs > 0) this.schedule(0);
  }

  /** Before the sessions close: no adoption may start a client during shutdown. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** One round: claim what fits and start it. Resolves when every start was handed over. */
  adoptNow(): Promise<void> {
    this.running ??= this.adopt().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async adopt(): Promise<void> {
    const capacity = this.config.maxSessions - this.host.counts().running;
    if (capacity <= 0) return;
    let sessionIds: string[];
    try {
      sessionIds = (await this.link.claims(capacity, this.host.runningSessionIds())).session_ids;
    } catch (error) {
      this.logger.warn({ err: error }, 'asking the server for sessions to adopt failed');
      return;
    }
    // Taking a session (its lease, and its login fetched and unpacked when this machine has
    // none) waits on the server and the disk: a few at a time, so the start slots never idle
    // behind one slow take while dozens of sessions come back. The gate still admits the
    // Chromium launches in the order they are handed over.
    const queue = [...sessionIds];
    const adoptNext = async (): Promise<void> => {
      for (let sessionId = queue.shift(); sessionId; sessionId = queue.shift()) {
        if (this.stopped) return;
        try {
          await this.host.start(sessionId, {});
          this.logger.info({ session: sessionId }, 'adopted session');
        } catch (error) {
          // Another engine was quicker, or this one filled up: the next round sorts it out.
          this.logger.info({ session: sessionId, err: error }, 'could not adopt session');
        }
      }
    };
    const takers = Math.min(queue.length, Math.max(1, this.config.startConcurrency));
    await Promise.all(Array.from({ length: takers }, adoptNext));
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.adoptNow().finally(() => {
        // The engine's own sessions are queued for their starts now: the warm pool may follow.
        if (!this.stopped) this.host.warmUp();
        this.schedule(this.config.claimIntervalMs);
      });
    }, delayMs);
    this.timer.unref();
  }
}
