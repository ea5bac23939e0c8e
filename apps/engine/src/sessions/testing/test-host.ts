import type { EngineEvent, EngineEventOf, EngineEventType } from '@switchboard/contracts';
import { FakeWhatsAppClientFactory } from '@switchboard/testing';
import pino from 'pino';
import type { EventOutboxService } from '../../callbacks/event-outbox.service';
import { loadEngineConfig, type EngineConfig } from '../../engine-config';
import { SessionCustodyService } from '../../ownership/session-custody.service';
import { InMemoryServerLink } from '../../server-link/testing/in-memory-server-link';
import { SessionHostService } from '../session-host.service';

interface Waiter {
  matches: (event: EngineEvent) => boolean;
  resolve: (event: EngineEvent) => void;
}

/** Stands in for the outbox in unit specs: keeps every event and lets a test await one. */
export class RecordingOutbox {
  readonly events: EngineEvent[] = [];
  private waiters: Waiter[] = [];

  enqueue(event: EngineEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.matches(event)) return true;
      waiter.resolve(event);
      return false;
    });
  }

  /** The first event of `type` (past or future) that satisfies `where`. */
  waitFor<T extends EngineEventType>(
    type: T,
    where: (event: EngineEventOf<T>) => boolean = () => true,
  ): Promise<EngineEventOf<T>> {
    const matches = (event: EngineEvent) => event.type === type && where(event as EngineEventOf<T>);
    const seen = this.events.find(matches);
    if (seen) return Promise.resolve(seen as EngineEventOf<T>);
    return new Promise((resolve) =>
      this.waiters.push({ matches, resolve: (event) => resolve(event as EngineEventOf<T>) }),
    );
  }

  ofType<T extends EngineEventType>(type: T): EngineEventOf<T>[] {
    return this.events.filter((event) => event.type === type) as EngineEventOf<T>[];
  }

  statuses(): string[] {
    return this.ofType('session.status').map(
      (e) => `${e.data.status}${e.data.reason ? `/${e.data.reason}` : ''}`,
    );
  }
}

export const TEST_SECRET = 'test-engine-secret-0123456789abcdef';

export function testEngineConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    ...loadEngineConfig({
      ENGINE_SECRET: TEST_SECRET,
      ENGINE_ID: 'engine-test',
      // Specs adopt and check explicitly (`adoptNow()`, `checkNow()`).
      ENGINE_CLAIM_INTERVAL_MS: '0',
      ENGINE_WATCHDOG_INTERVAL_MS: '0',
    }),
    ...overrides,
  };
}

const hosts: SessionHostService[] = [];

/** Closes every host made by `createTestHost`, so no QR window or retry timer outlives a test. */
export async function shutdownTestHosts(): Promise<void> {
  await Promise.all(hosts.splice(0).map((host) => host.onApplicationShutdown()));
}

/**
 * A session host on the fake client, with events recorded instead of posted and the server's
 * engine link in memory. Pass another host's `link.forEngine(id)` to share one server.
 */
export function createTestHost(
  overrides: Partial<EngineConfig> = {},
  options: { link?: InMemoryServerLink; factory?: FakeWhatsAppClientFactory } = {},
) {
  const config = testEngineConfig(overrides);
  const factory = options.factory ?? new FakeWhatsAppClientFactory();
  const outbox = new RecordingOutbox();
  const logger = pino({ level: 'silent' });
  const link = options.link ?? new InMemoryServerLink(config.engineId);
  const custody = new SessionCustodyService(config, link, factory, logger);
  const sut = new SessionHostService(
    config,
    factory,
    logger,
    outbox as unknown as EventOutboxService,
    custody,
  );
  hosts.push(sut);
  return { sut, factory, outbox, config, link, custody };
}
