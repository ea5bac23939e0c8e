import { Injectable, Logger } from '@nestjs/common';
import type { UpdateBroadcastSettingsRequest } from '@switchboard/contracts';
import { AppException } from '../common/app.exception';
import { SettingsService } from '../settings/settings.service';
import {
  BROADCAST_SETTING_KEYS,
  applyUpdate,
  broadcastSettingsFrom,
  missingFields,
  toSettingValues,
  type BroadcastSettings,
} from './broadcast-settings';
import { EchoGateway } from './echo.gateway';

/** Sent between server nodes so each one re-reads the settings at once. */
const SETTINGS_CHANGED_SIGNAL = 'switchboard:broadcast-settings-changed';

/**
 * The active broadcast driver and its keys, read from the settings table and cached. A change on
 * any node reaches every node's cache through the realtime fan-out, so a switch needs no restart.
 */
@Injectable()
export class BroadcastSettingsService {
  private readonly logger = new Logger('BroadcastSettingsService');
  private cached: Promise<BroadcastSettings> | null = null;

  constructor(
    private readonly settings: SettingsService,
    private readonly gateway: EchoGateway,
  ) {
    gateway.onSignalFromOtherNodes(SETTINGS_CHANGED_SIGNAL, () => {
      this.cached = null;
    });
  }

  current(): Promise<BroadcastSettings> {
    if (!this.cached) {
      const loading = this.settings.read(BROADCAST_SETTING_KEYS).then(broadcastSettingsFrom);
      // A failed read is not cached: the next broadcast tries again.
      loading.catch(() => {
        if (this.cached === loading) this.cached = null;
      });
      this.cached = loading;
    }
    return this.cached;
  }

  /** The stored settings with `request` applied, refused with 400 when the driver lacks a key. */
  async candidate(request: UpdateBroadcastSettingsRequest): Promise<BroadcastSettings> {
    const next = applyUpdate(await this.current(), request);
    const missing = missingFields(next);
    if (missing.length) {
      throw AppException.validation(
        `The ${next.driver} driver needs ${missing.map((m) => m.field).join(', ')}`,
        missing,
      );
    }
    return next;
  }

  /** Saves validated settings and makes every node use them from now on. */
  async save(settings: BroadcastSettings): Promise<void> {
    await this.settings.write(toSettingValues(settings));
    this.cached = Promise.resolve(settings);
    this.gateway.signalOtherNodes(SETTINGS_CHANGED_SIGNAL);
    this.logger.log(`broadcast driver is ${settings.driver}`);
  }
}
