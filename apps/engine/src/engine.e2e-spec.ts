import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { EngineConfigError, loadEngineConfig } from './engine-config';
import { EngineModule } from './engine.module';

describe('engine', () => {
  let app: INestApplication;

  beforeAll(async () => {
    const config = loadEngineConfig({ ENGINE_SECRET: 's'.repeat(32), ENGINE_ID: 'engine-test' });
    const moduleRef = await Test.createTestingModule({
      imports: [EngineModule.forRoot(config)],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(() => app.close());

  it('boots and answers health with its id and memory', async () => {
    const res = await request(app.getHttpServer()).get('/health').expect(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      engine_id: 'engine-test',
      sessions: { total: 0 },
    });
    expect(res.body.memory.rss_mb).toBeGreaterThan(0);
  });

  it('refuses to start without a signing secret', () => {
    expect(() => loadEngineConfig({})).toThrow(EngineConfigError);
    expect(() => loadEngineConfig({})).toThrow(/ENGINE_SECRET/);
  });
});
