import { randomBytes, randomUUID } from 'node:crypto';
import { SecretBox } from '@switchboard/contracts/node';
import type { EngineAnnouncement } from '@switchboard/contracts';
import { buildMigrations } from '@switchboard/migrations';
import { createTestDatabase, type TestDatabase } from '@switchboard/testing';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../database/data-source-options';
import { ENTITIES } from '../database/database.module';
import { parseDatabaseUrl } from '../database/database-url';
import { runPendingMigrations } from '../database/migration-runner';
import { InProcessCoordinationStore } from '../drivers/coordination/in-process-coordination-store';
import { WhatsappSession } from '../sessions/whatsapp-session.entity';
import { Workspace } from '../workspaces/workspace.entity';
import { EngineLeasesService } from './engine-leases.service';
import { EngineRegistry } from './engine-registry.service';

// Runs on SQLite, or on MariaDB/MySQL when TEST_DATABASE_URL is set.

function announcement(engineId: string, sessions: number): EngineAnnouncement {
  return {
    engine_id: engineId,
    url: `http://${engineId}.internal:3100/`,
    sessions,
    max_sessions: 50,
    memory_mb: 1_200,
    ttl_ms: 30_000,
  };
}

describe('EngineRegistry on the real database', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let leases: EngineLeasesService;
  let sut: EngineRegistry;

  beforeAll(async () => {
    database = await createTestDatabase('engine-registry');
    dataSource = await new DataSource(
      buildDataSourceOptions(parseDatabaseUrl(database.url), {
        entities: ENTITIES,
        migrations: buildMigrations({
          secretBox: new SecretBox(randomBytes(32)),
          report: () => {},
        }),
      }),
    ).initialize();
    await runPendingMigrations(dataSource);
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM engines');
    leases = new EngineLeasesService(new InProcessCoordinationStore(), dataSource);
    sut = new EngineRegistry(dataSource, leases);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  it('lists what engines announced, and an engine past its TTL as not live', async () => {
    const t0 = new Date('2026-11-25T10:00:00.000Z');
    await sut.announce(announcement('engine-a', 4), t0);
    await sut.announce(announcement('engine-b', 1), new Date(t0.getTime() + 20_000));

    const later = new Date(t0.getTime() + 40_000);
    expect(await sut.list(later)).toEqual([
      {
        engine_id: 'engine-b',
        url: 'http://engine-b.internal:3100',
        sessions: 1,
        max_sessions: 50,
        memory_mb: 1_200,
        last_seen_at: '2026-11-25T10:00:20.000Z',
        live: true,
      },
      expect.objectContaining({ engine_id: 'engine-a', live: false }),
    ]);
    expect((await sut.live(later)).map((e) => e.engineId)).toEqual(['engine-b']);
  });

  it("routes to the holder's URL, else to the least loaded, and counts a start at once", async () => {
    await sut.announce(announcement('engine-a', 0));
    await sut.announce(announcement('engine-b', 1));
    await leases.acquire('engine-b', ['wa_held'], 30_000);

    expect(await sut.engineFor('wa_held')).toEqual({
      engineId: 'engine-b',
      url: 'http://engine-b.internal:3100',
    });
    expect((await sut.engineFor('wa_new1'))?.engineId).toBe('engine-a');
    await sut.countStart('engine-a');
    await sut.countStart('engine-a');
    // engine-a now runs 2 against engine-b's 1 until its next announcement.
    expect((await sut.engineFor('wa_new2'))?.engineId).toBe('engine-b');
  });

  it('sends a stopped session back to the live engine that ran it last, while it has room', async () => {
    const workspace = await dataSource.getRepository(Workspace).save({
      uuid: randomUUID(),
      identifier: `ws-${randomUUID().slice(0, 8)}`,
      name: 'Shop',
      createdBy: 1,
    });
    await dataSource.getRepository(WhatsappSession).save({
      uuid: randomUUID(),
      workspaceId: workspace.id,
      sessionId: 'wa_stopped',
      providerType: 'webjs',
      status: 'disconnected',
      engineId: 'engine-b',
    });
    await sut.announce(announcement('engine-a', 0));
    await sut.announce(announcement('engine-b', 3));
    expect((await sut.engineFor('wa_stopped'))?.engineId).toBe('engine-b');
    await sut.announce({ ...announcement('engine-b', 50), max_sessions: 50 });
    expect((await sut.engineFor('wa_stopped'))?.engineId).toBe('engine-a');
  });

  it('forgets an engine that withdraws, and routes its sessions to one still live', async () => {
    await sut.announce(announcement('engine-a', 5));
    await sut.announce(announcement('engine-b', 0));
    await leases.acquire('engine-b', ['wa_orphan'], 30_000);
    await sut.withdraw('engine-b');

    expect((await sut.list()).map((e) => e.engine_id)).toEqual(['engine-a']);
    expect((await sut.engineFor('wa_orphan'))?.engineId).toBe('engine-a');
  });

  it('drops an engine gone for a day from the list', async () => {
    const t0 = new Date('2026-11-25T10:00:00.000Z');
    await sut.announce(announcement('engine-old', 3), t0);
    await sut.announce(announcement('engine-new', 0), new Date(t0.getTime() + 25 * 3_600_000));
    expect((await sut.list(t0)).map((e) => e.engine_id)).toEqual(['engine-new']);
  });

  it('has no engine to offer before any announced itself', async () => {
    expect(await sut.engineFor('wa_any')).toBeNull();
  });
});
