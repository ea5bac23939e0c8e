import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { DataSource } from 'typeorm';
import { loadConfig } from '../apps/server/src/config/app-config';
import { createApp, keepConnectionsAlive } from '../apps/server/src/create-app';
import { measure, type Summary } from './stats';

const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 100_000);
const PASSWORD = 'bench-password-1';

export interface ApiBenchResult {
  database: string;
  contacts: number;
  rows: Array<{ name: string } & Summary>;
  rssMb: number;
}

/**
 * PR-1 asks for a 50-row list in under 500 ms with 100k+ contacts. Measures the contacts API
 * over real HTTP against the same query run directly on the database (the baseline, same run).
 */
export async function benchContactsApi(): Promise<ApiBenchResult> {
  const sqliteFile = join(tmpdir(), `sb-bench-${process.pid}.sqlite`);
  const databaseUrl = process.env.BENCH_DATABASE_URL ?? `sqlite:${sqliteFile}`;
  const config = loadConfig(
    {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.BENCH_REDIS_URL,
      ENCRYPTION_KEY: 'b'.repeat(64),
      ENGINE_SECRET: 'e'.repeat(40),
      ADMIN_PASSWORD: PASSWORD,
      LOGIN_MAX_ATTEMPTS: '1000',
    },
    { adminDistDir: '/nonexistent' },
  );
  const app = await createApp(config, pino({ level: 'silent' }));
  await app.listen(0, '127.0.0.1');
  keepConnectionsAlive(app.getHttpServer());
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  try {
    const login = async () => {
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: config.adminEmail, password: PASSWORD }),
      });
      return (await res.json()) as { token: string; current_workspace_id: number };
    };
    const session = await login();
    const dataSource = app.get(DataSource);
    await seedContacts(dataSource, session.current_workspace_id, CONTACTS);

    const headers = { authorization: `Bearer ${session.token}` };
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`, { headers });
      if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      return (await res.json()) as { next_cursor: string | null };
    };
    // Walk up to 200 pages deep to get a cursor far from the newest rows.
    let deepCursor = '';
    for (let page = 0; page < 200; page += 1) {
      const query = deepCursor ? `&cursor=${deepCursor}` : '';
      const next = (await get(`/api/contacts?limit=50${query}`)).next_cursor;
      if (!next) break;
      deepCursor = next;
    }
    const ws = session.current_workspace_id;
    const rows = [
      {
        name: 'baseline: raw SQL, newest 50',
        ...(await measure(200, () =>
          dataSource.query(
            'SELECT * FROM contacts WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id DESC LIMIT 51',
            [ws],
          ),
        )),
      },
      {
        name: 'GET /api/contacts (first 50)',
        ...(await measure(200, () => get('/api/contacts?limit=50'))),
      },
      {
        name: 'GET /api/contacts (page 200, cursor)',
        ...(await measure(200, () => get(`/api/contacts?limit=50&cursor=${deepCursor}`))),
      },
      {
        name: 'GET /api/contacts?q=<phone digits>',
        ...(await measure(20, () => get('/api/contacts?limit=50&q=8123'))),
      },
      { name: 'GET /api/health', ...(await measure(200, () => get('/api/health'))) },
      { name: 'POST /api/auth/login (bcrypt cost 12)', ...(await measure(5, login)) },
    ];
    return {
      database: config.database.kind,
      contacts: CONTACTS,
      rows,
      rssMb: Math.round(process.memoryUsage().rss / 1_048_576),
    };
  } finally {
    await app.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(sqliteFile + suffix, { force: true });
  }
}

async function seedContacts(
  dataSource: DataSource,
  workspaceId: number,
  count: number,
): Promise<void> {
  const batch = 500;
  for (let start = 0; start < count; start += batch) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < Math.min(count, start + batch); i += 1) {
      tuples.push('(?, ?, ?, ?, ?, ?, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)');
      values.push(
        `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        workspaceId,
        `Name${i}`,
        `Family${i % 97}`,
        `+62812${String(i).padStart(7, '0')}`,
        `c${i}@example.com`,
      );
    }
    await dataSource.query(
      `INSERT INTO contacts (uuid, workspace_id, first_name, last_name, phone, email, created_by, created_at, updated_at) VALUES ${tuples.join(', ')}`,
      values,
    );
  }
}
