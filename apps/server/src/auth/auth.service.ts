import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import {
  ErrorCode,
  PLATFORM_ADMIN_ROLE,
  USER_LOCALES,
  type SessionView,
  type UpdateProfileRequest,
  type UserLocale,
} from '@switchboard/contracts';
import { Repository } from 'typeorm';
import { AppException } from '../common/app.exception';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import {
  COORDINATION_STORE,
  type CoordinationStore,
} from '../drivers/coordination/coordination-store.port';
import { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { WorkspacesService } from '../workspaces/workspaces.service';
import { AuthSession } from './auth-session.entity';
import { PasswordHasher } from './password-hasher';
import type { AuthContext } from './request-context';
import { hashSessionToken, newSessionToken } from './session-token';

export interface LoginResult {
  token: string;
  view: SessionView;
}

/** Touching `last_used_at` on every request would write on every read; once a minute is enough. */
const TOUCH_INTERVAL_MS = 60_000;

@Injectable()
export class AuthService {
  constructor(
    @InjectRepository(AuthSession) private readonly sessions: Repository<AuthSession>,
    private readonly users: UsersService,
    private readonly workspaces: WorkspacesService,
    private readonly hasher: PasswordHasher,
    @Inject(COORDINATION_STORE) private readonly coordination: CoordinationStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(
    email: string,
    password: string,
    client: { ip: string | null; userAgent: string | null },
  ): Promise<LoginResult> {
    await this.throttle(email, client.ip);
    const user = await this.users.findWithPassword(email);
    const valid =
      user !== null && user.status === 1 && (await this.hasher.verify(password, user.password));
    if (!user || !valid) {
      throw new AppException(
        HttpStatus.UNAUTHORIZED,
        ErrorCode.INVALID_CREDENTIALS,
        'The email or password is not correct',
      );
    }
    const memberships = await this.workspaces.membershipsOf(user.id);
    const token = newSessionToken();
    const session = await this.sessions.save(
      this.sessions.create({
        tokenHash: hashSessionToken(token),
        userId: user.id,
        currentWorkspaceId: memberships[0]?.id ?? null,
        ip: client.ip,
        userAgent: client.userAgent?.slice(0, 255) ?? null,
        expiresAt: new Date(Date.now() + this.config.authSessionTtlHours * 3_600_000),
        lastUsedAt: new Date(),
        revokedAt: null,
      }),
    );
    return { token, view: await this.view({ user, session }) };
  }

  /** The login behind a token, or null when it is unknown, expired or revoked. */
  async resolve(token: string): Promise<AuthContext | null> {
    // Asked on every request: the login and its (not deleted) user in one statement.
    const found: (AuthSession & { user?: User }) | null = await this.sessions
      .createQueryBuilder('session')
      .innerJoinAndMapOne('session.user', User, 'user', 'user.id = session.userId')
      .where('session.tokenHash = :hash', { hash: hashSessionToken(token) })
      .andWhere('session.revokedAt IS NULL')
      .getOne();
    const user = found?.user;
    if (!found || !user || new Date(found.expiresAt).getTime() <= Date.now()) return null;
    if (user.status !== 1) return null;
    const session: AuthSession = found;
    if (
      !session.lastUsedAt ||
      Date.now() - new Date(session.lastUsedAt).getTime() > TOUCH_INTERVAL_MS
    ) {
      session.lastUsedAt = new Date();
      await this.sessions.update({ id: session.id }, { lastUsedAt: session.lastUsedAt });
    }
    return { user, session };
  }

  /** Users with at least one unexpired, unrevoked login (who may have a page open). */
  async signedInUserIds(): Promise<number[]> {
    const rows = await this.sessions
      .createQueryBuilder('session')
      .select('DISTINCT session.user_id', 'user_id')
      .where('session.revoked_at IS NULL')
      .andWhere('session.expires_at > :now', { now: new Date() })
      .getRawMany<{ user_id: number | string }>();
    return rows.map((row) => Number(row.user_id));
  }

  async logout(auth: AuthContext): Promise<void> {
    await this.sessions.update({ id: auth.session.id }, { revokedAt: new Date() });
  }

  async switchWorkspace(auth: AuthContext, workspaceId: number): Promise<SessionView> {
    if (!(await this.workspaces.roleOf(auth.user.id, workspaceId)))
      throw AppException.notFound('Workspace');
    await this.sessions.update({ id: auth.session.id }, { currentWorkspaceId: workspaceId });
    auth.session.currentWorkspaceId = workspaceId;
    return this.view(auth);
  }

  async updateProfile(auth: AuthContext, changes: UpdateProfileRequest): Promise<SessionView> {
    if (changes.locale !== undefined) {
      await this.users.setLocale(auth.user.id, changes.locale);
      auth.user.locale = changes.locale;
    }
    return this.view(auth);
  }

  async view({ user, session }: AuthContext): Promise<SessionView> {
    const workspaces = await this.workspaces.membershipsOf(user.id);
    const current = workspaces.find((w) => w.id === session.currentWorkspaceId) ?? workspaces[0];
    return {
      user: {
        id: user.id,
        email: user.email,
        name: user.displayName,
        is_platform_admin: user.role === PLATFORM_ADMIN_ROLE,
        locale: localeOf(user.locale),
      },
      workspaces,
      current_workspace_id: current?.id ?? null,
      expires_at: new Date(session.expiresAt).toISOString(),
    };
  }

  /** Counts every attempt per (address, email) in a fixed window, so guessing is slow for one account. */
  private async throttle(email: string, ip: string | null): Promise<void> {
    const windowMs = this.config.loginWindowSeconds * 1000;
    const attempts = await this.coordination.countHit(
      `login:${ip ?? '-'}:${email.toLowerCase()}`,
      windowMs,
    );
    if (attempts > this.config.loginMaxAttempts) {
      throw new AppException(
        HttpStatus.TOO_MANY_REQUESTS,
        ErrorCode.TOO_MANY_REQUESTS,
        `Too many login attempts; try again in ${this.config.loginWindowSeconds} seconds`,
        { retry_after_seconds: this.config.loginWindowSeconds },
      );
    }
  }
}

/** A value written by hand or by another tool is treated as no choice rather than passed on. */
function localeOf(value: string | null): UserLocale | null {
  return (USER_LOCALES as readonly string[]).includes(value ?? '') ? (value as UserLocale) : null;
}
