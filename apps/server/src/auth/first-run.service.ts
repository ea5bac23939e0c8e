import { randomBytes } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  COORDINATION_STORE,
  type CoordinationStore,
} from '../drivers/coordination/coordination-store.port';
import { withLock } from '../drivers/coordination/with-lock';
import { UsersService } from '../users/users.service';
import { WorkspacesService } from '../workspaces/workspaces.service';

export interface FirstAdmin {
  email: string;
  /** Present only when Switchboard generated it; shown once and stored only as a hash. */
  generatedPassword: string | null;
}

/**
 * On a database with no users at all (a fresh install), creates the first platform admin and a
 * workspace they own, so the shell can be used at once. An adopted Blazz database has users and
 * is left as it is.
 */
@Injectable()
export class FirstRunService implements OnApplicationBootstrap {
  private created: FirstAdmin | null = null;

  constructor(
    private readonly users: UsersService,
    private readonly workspaces: WorkspacesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(COORDINATION_STORE) private readonly coordination: CoordinationStore,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Several server nodes may boot at once against one database: only one creates the admin.
    await withLock(this.coordination, 'first-run', 30_000, () => this.createFirstAdmin(), {
      waitMs: 30_000,
    });
  }

  private async createFirstAdmin(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const generatedPassword = this.config.adminPassword
      ? null
      : randomBytes(12).toString('base64url');
    const user = await this.users.create({
      email: this.config.adminEmail,
      password: this.config.adminPassword ?? generatedPassword!,
      firstName: 'Admin',
      platformAdmin: true,
    });
    await this.workspaces.create(user.id, { name: 'My workspace' });
    this.created = { email: user.email, generatedPassword };
  }

  /** The admin created by this boot, if any. */
  firstAdmin(): FirstAdmin | null {
    return this.created;
  }
}
