import { Injectable, Logger } from '@nestjs/common';
import {
  BroadcastTestErrorCode,
  RealtimeEvent,
  userChannel,
  type BroadcastSettingsView,
  type BroadcastTestResult,
  type UpdateBroadcastSettingsRequest,
} from '@switchboard/contracts';
import { randomUUID } from 'node:crypto';
import { AuthService } from '../auth/auth.service';
import { clientConfigFrom, toView, type BroadcastSettings } from './broadcast-settings';
import { BroadcastSettingsService } from './broadcast-settings.service';
import { SwitchingBroadcastDriver } from './drivers/switching-broadcast-driver';

/** What a platform admin does with the broadcast drivers: read, test and switch. */
@Injectable()
export class BroadcastDriverSwitchService {
  private readonly logger = new Logger('BroadcastDriverSwitchService');

  constructor(
    private readonly settings: BroadcastSettingsService,
    private readonly driver: SwitchingBroadcastDriver,
    private readonly auth: AuthService,
  ) {}

  async view(): Promise<BroadcastSettingsView> {
    return toView(await this.settings.current());
  }

  /**
   * Saves the settings. When what browsers connect to changed, every signed-in user's open pages
   * are told through the driver they are still connected to, so they rebuild their Echo client.
   */
  async update(request: UpdateBroadcastSettingsRequest): Promise<BroadcastSettingsView> {
    const before = await this.settings.current();
    const after = await this.settings.candidate(request);
    await this.settings.save(after);
    if (JSON.stringify(clientConfigFrom(before)) !== JSON.stringify(clientConfigFrom(after)))
      await this.announce(before, after);
    return toView(after);
  }

  /** Publishes a test event through the requested driver to the admin's own user channel. */
  async test(
    request: UpdateBroadcastSettingsRequest,
    userId: number,
  ): Promise<BroadcastTestResult> {
    const candidate = await this.settings.candidate(request);
    const started = performance.now();
    try {
      await this.driver.candidateDriver(candidate).publish({
        channels: [userChannel(userId)],
        event: RealtimeEvent.DRIVER_TEST,
        payload: { driver: candidate.driver, test_id: randomUUID(), at: new Date().toISOString() },
        exceptSocketId: null,
      });
      return {
        ok: true,
        driver: candidate.driver,
        latency_ms: Math.round(performance.now() - started),
      };
    } catch (error) {
      return { ok: false, driver: candidate.driver, error: describeFailure(error) };
    }
  }

  private async announce(before: BroadcastSettings, after: BroadcastSettings): Promise<void> {
    const channels = (await this.auth.signedInUserIds()).map((id) => userChannel(id));
    if (channels.length === 0) return;
    try {
      await this.driver.driverFor(before).publish({
        channels,
        event: RealtimeEvent.DRIVER_CHANGED,
        payload: { driver: after.driver, at: new Date().toISOString() },
        exceptSocketId: null,
      });
    } catch (error) {
      // Pages that miss this notice rebuild when their old connection fails.
      this.logger.warn(`announcing the driver switch failed: ${(error as Error).message}`);
    }
  }
}

/** The pusher library's RequestError, as far as a failure report needs it. */
interface PusherRequestError {
  url?: string;
  status?: number;
  body?: string;
  error?: { name?: string; code?: string; message?: string; cause?: { code?: string } };
}

/** Turns a publish failure into the exact reason an admin can act on. */
export function describeFailure(error: unknown): { code: BroadcastTestErrorCode; message: string } {
  const failure = error as PusherRequestError;
  const where = failure.url ? ` at ${new URL(failure.url).origin}` : '';
  if (typeof failure.status === 'number') {
    const body = (failure.body ?? '').trim().slice(0, 300);
    return {
      code: BroadcastTestErrorCode.PUSHER_REJECTED,
      message: `The Pusher server${where} answered ${failure.status}${body ? `: ${body}` : ''}`,
    };
  }
  const cause = failure.error;
  if (cause?.name === 'AbortError') {
    return {
      code: BroadcastTestErrorCode.PUSHER_TIMEOUT,
      message: `The Pusher server${where} did not answer in time`,
    };
  }
  if (cause) {
    const code = cause.cause?.code ?? cause.code;
    return {
      code: BroadcastTestErrorCode.PUSHER_UNREACHABLE,
      message: `Could not reach the Pusher server${where}: ${code ?? cause.message ?? 'unknown error'}`,
    };
  }
  return {
    code: BroadcastTestErrorCode.PUBLISH_FAILED,
    message: (error as Error).message ?? String(error),
  };
}
