import { Injectable } from '@nestjs/common';
import type { BroadcastDriver } from '@switchboard/contracts';
import { pusherConnectionFrom, type BroadcastSettings } from '../broadcast-settings';
import { BroadcastSettingsService } from '../broadcast-settings.service';
import type { BroadcastDriverPort, BroadcastMessage } from './broadcast-driver.port';
import { PusherBroadcastDriver } from './pusher-broadcast-driver';
import { SocketIoBroadcastDriver } from './socketio-broadcast-driver';

/**
 * The BROADCAST_DRIVER: each publish goes through the driver the settings name right now, so an
 * admin's switch takes effect on the next event without a restart.
 */
@Injectable()
export class SwitchingBroadcastDriver implements BroadcastDriverPort {
  private active: BroadcastDriver = 'socketio';
  /** One Pusher client per distinct connection, rebuilt only when its keys change. */
  private pusher: { fingerprint: string; driver: PusherBroadcastDriver } | null = null;

  constructor(
    private readonly settings: BroadcastSettingsService,
    private readonly socketIo: SocketIoBroadcastDriver,
  ) {}

  get name(): BroadcastDriver {
    return this.active;
  }

  async publish(message: BroadcastMessage): Promise<void> {
    const settings = await this.settings.current();
    this.active = settings.driver;
    await this.driverFor(settings).publish(message);
  }

  /** The driver for the active settings; the Pusher one is cached for the active keys. */
  driverFor(settings: BroadcastSettings): BroadcastDriverPort {
    if (settings.driver === 'socketio') return this.socketIo;
    return this.pusherFor(settings);
  }

  /** A driver for settings that are not saved yet (the admin's "test"): never cached. */
  candidateDriver(settings: BroadcastSettings): BroadcastDriverPort {
    if (settings.driver === 'socketio') return this.socketIo;
    return new PusherBroadcastDriver(pusherConnectionFrom(settings.pusher), {
      timeoutMs: TEST_TIMEOUT_MS,
    });
  }

  /** The Pusher driver for these keys; also signs channel subscriptions for pusher-js. */
  pusherFor(settings: BroadcastSettings): PusherBroadcastDriver {
    const connection = pusherConnectionFrom(settings.pusher);
    const fingerprint = JSON.stringify(connection);
    if (this.pusher?.fingerprint !== fingerprint) {
      this.pusher = { fingerprint, driver: new PusherBroadcastDriver(connection) };
    }
    return this.pusher.driver;
  }
}

/** How long the admin's "test" waits for a Pusher server before reporting it unreachable. */
const TEST_TIMEOUT_MS = 5_000;
