import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Which SQL engine a DATABASE_URL selects. MariaDB speaks the MySQL protocol (mysql2). */
export type DatabaseKind = 'mysql' | 'sqlite';

export interface DatabaseTarget {
  kind: DatabaseKind;
  /** mysql: the connection URL (mysql://); sqlite: the file path or `:memory:`. */
  location: string;
}

export class DatabaseUrlError extends Error {}

/**
 * Accepts `mysql://user:pass@host:port/db`, `mariadb://…` and `sqlite:<path>`
 * (relative to the working directory, `sqlite:///abs/path`, or `sqlite::memory:`).
 */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  const trimmed = url.trim();
  const scheme = /^([a-z0-9+]+):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme === 'mysql' || scheme === 'mariadb') {
    let parsed: URL;
    try {
      parsed = new URL(trimmed);
    } catch {
      throw new DatabaseUrlError('is not a valid URL');
    }
    if (!parsed.hostname) throw new DatabaseUrlError('has no host');
    if (parsed.pathname.length <= 1) throw new DatabaseUrlError('names no database (…/dbname)');
    parsed.protocol = 'mysql:';
    return { kind: 'mysql', location: parsed.toString() };
  }
  if (scheme === 'sqlite' || scheme === 'file') {
    const rest = trimmed.slice(scheme.length + 1).replace(/^\/\//, '');
    if (!rest) throw new DatabaseUrlError('names no SQLite file');
    return { kind: 'sqlite', location: rest === ':memory:' ? rest : resolve(rest) };
  }
  throw new DatabaseUrlError('must start with mysql://, mariadb:// or sqlite:');
}

/** Creates the folder of a SQLite file so a first run needs nothing prepared. */
export function ensureSqliteFolder(target: DatabaseTarget): void {
  if (target.kind === 'sqlite' && target.location !== ':memory:') {
    mkdirSync(dirname(target.location), { recursive: true });
  }
}
