import type {
  AuthStateView,
  ClaimsAnswer,
  EngineAnnouncement,
  LeaseAnswer,
} from '@switchboard/contracts';
import type { EngineServerLink } from '../server-link.port';

/**
 * The server's engine link in memory, for specs that run an engine without a server: one owner
 * per session lease (no expiry), auth archives by session, and a settable list of claims.
 * Several engines may share one `state` to act as one server.
 */
export class InMemoryServerLink implements EngineServerLink {
  claimable: string[] = [];
  reachable = true;

  constructor(
    private readonly engineId: string,
    readonly state = {
      owners: new Map<string, string>(),
      auth: new Map<string, AuthStateView>(),
      engines: new Map<string, EngineAnnouncement>(),
    },
  ) {}

  /** The same server as another engine sees it. */
  forEngine(engineId: string): InMemoryServerLink {
    return new InMemoryServerLink(engineId, this.state);
  }

  acquireLeases(ids: string[]): Promise<LeaseAnswer> {
    return this.answer(() => this.leases(ids, true));
  }

  renewLeases(ids: string[]): Promise<LeaseAnswer> {
    return this.answer(() => this.leases(ids, false));
  }

  releaseLeases(ids: string[]): Promise<void> {
    return this.answer(() => {
      for (const id of ids)
        if (this.state.owners.get(id) === this.engineId) this.state.owners.delete(id);
    });
  }

  claims(capacity: number, running: string[]): Promise<ClaimsAnswer> {
    return this.answer(() => ({
      session_ids: this.claimable
        .filter((id) => !running.includes(id))
        .filter((id) => [undefined, this.engineId].includes(this.state.owners.get(id)))
        .slice(0, capacity),
    }));
  }

  readAuthState(sessionId: string): Promise<AuthStateView | null> {
    return this.answer(() => this.state.auth.get(sessionId) ?? null);
  }

  saveAuthState(sessionId: string, archive: Buffer): Promise<void> {
    return this.answer(() => {
      this.state.auth.set(sessionId, {
        archive: archive.toString('base64'),
        updated_at: new Date().toISOString(),
      });
    });
  }

  clearAuthState(sessionId: string): Promise<void> {
    return this.answer(() => {
      this.state.auth.delete(sessionId);
    });
  }

  announce(announcement: EngineAnnouncement): Promise<void> {
    return this.answer(() => {
      this.state.engines.set(announcement.engine_id, announcement);
    });
  }

  withdraw(): Promise<void> {
    return this.answer(() => {
      this.state.engines.delete(this.engineId);
    });
  }

  private leases(ids: string[], mayTake: boolean): LeaseAnswer {
    const answer: LeaseAnswer = { held: [], refused: [] };
    for (const id of ids) {
      const owner = this.state.owners.get(id);
      if (owner === this.engineId || (owner === undefined && mayTake)) {
        this.state.owners.set(id, this.engineId);
        answer.held.push(id);
      } else answer.refused.push(id);
    }
    return answer;
  }

  private answer<T>(work: () => T): Promise<T> {
    if (!this.reachable) return Promise.reject(new Error('server unreachable: ECONNREFUSED'));
    return Promise.resolve(work());
  }
}
