import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';

/**
 * A fresh, empty database for one test file: a new schema on the MariaDB/MySQL server named by
 * TEST_DATABASE_URL, or a new SQLite file when that variable is unset (the embedded default).
 */
export interface TestDatabase {
  kind: 'mysql' | 'sqlite';
  /** A DATABASE_URL that points at the fresh database. */
  url: string;
  drop(): Promise<void>;
}

export function testDatabaseKind(): 'mysql' | 'sqlite' {
  return process.env.TEST_DATABASE_URL ? 'mysql' : 'sqlite';
}

export async function createTestDatabase(label = 'db'): Promise<TestDatabase> {
  const name = `sbt_${label.replace(/\W/g, '_').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const file = join(tmpdir(), `${name}.sqlite`);
    return {
      kind: 'sqlite',
      url: `sqlite:${file}`,
      drop: () => {
        for (const suffix of ['', '-wal', '-shm', '-journal'])
          rmSync(file + suffix, { force: true });
        return Promise.resolve();
      },
    };
  }
  const admin = new URL(serverUrl);
  const adminUrl = `${admin.protocol}//${admin.username}:${admin.password}@${admin.host}/`;
  const connection = await createConnection(adminUrl);
  await connection.query(
    `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await connection.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'mysql',
    url: url.toString(),
    drop: async () => {
      const c = await createConnection(adminUrl);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}
