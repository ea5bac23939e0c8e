import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from '../drivers/clock';
import { Workspace } from '../workspaces/workspace.entity';
import { MessagingSessionsService, type MetaNumber } from './messaging-sessions.service';

/** Where a webhook path leads: the workspace and its Meta numbers by `phone_number_id`. */
export interface MetaWebhookTarget {
  workspaceId: number;
  numbers: Map<string, MetaNumber>;
}

/**
 * How long a workspace's Meta numbers are reused between webhooks. Meta posts every message and
 * every status on its own request; reading and decrypting the numbers each time was most of a
 * webhook's cost. A number added or re-keyed meanwhile is never missed: a delivery naming an
 * unknown `phone_number_id` or failing its signature reloads first (see `MetaWebhookService`).
 */
export const META_TARGET_TTL_MS = 10_000;
/** Workspaces kept at most; the oldest entry goes first. Unknown paths are never kept. */
const MAX_TARGETS = 1_000;

interface Entry {
  target: MetaWebhookTarget;
  loadedAt: number;
}

/** The webhook's short-lived cache of workspace → Meta numbers, with the credentials opened. */
@Injectable()
export class MetaWebhookTargets {
  private readonly entries = new Map<string, Entry>();
  private clock: Clock = systemClock;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly sessions: MessagingSessionsService,
  ) {}

  /** Replaces the clock (tests move time without sleeping). */
  useClock(clock: Clock): void {
    this.clock = clock;
  }

  /**
   * The target of a webhook path; null when no workspace has this identifier. `reload` skips the
   * cache, for a delivery the cached numbers cannot account for.
   */
  async find(identifier: string, reload = false): Promise<MetaWebhookTarget | null> {
    const cached = this.entries.get(identifier);
    if (!reload && cached && this.clock() - cached.loadedAt < META_TARGET_TTL_MS) {
      return cached.target;
    }
    const target = await this.load(identifier);
    this.entries.delete(identifier);
    if (!target) return null;
    this.entries.set(identifier, { target, loadedAt: this.clock() });
    if (this.entries.size > MAX_TARGETS) {
      this.entries.delete(this.entries.keys().next().value!);
    }
    return target;
  }

  private async load(identifier: string): Promise<MetaWebhookTarget | null> {
    if (identifier.length > 128) return null;
    const workspace = await this.dataSource
      .getRepository(Workspace)
      .findOne({ where: { identifier }, select: { id: true } });
    if (!workspace) return null;
    const workspaceId = Number(workspace.id);
    const numbers = await this.sessions.findMetaNumbers(workspaceId);
    return { workspaceId, numbers: new Map(numbers.map((n) => [n.phoneNumberId, n])) };
  }
}
