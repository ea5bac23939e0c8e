import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

interface LocalSecrets {
  encryption_key: string;
  engine_secret: string;
}

/**
 * Outside production, a first run needs no prepared secrets: missing ENCRYPTION_KEY and
 * ENGINE_SECRET are generated once into `<DATA_DIR>/secrets.json` (mode 600) and reused after.
 * In production they must come from the environment, and config validation says so.
 */
export function withLocalSecrets(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (env.NODE_ENV === 'production' || (env.ENCRYPTION_KEY && env.ENGINE_SECRET)) return env;
  const dataDir = env.DATA_DIR?.trim() || './var';
  const file = join(dataDir, 'secrets.json');
  let secrets: LocalSecrets;
  if (existsSync(file)) {
    secrets = JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  } else {
    secrets = {
      encryption_key: randomBytes(32).toString('hex'),
      engine_secret: randomBytes(32).toString('hex'),
    };
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return {
    ...env,
    ENCRYPTION_KEY: env.ENCRYPTION_KEY || secrets.encryption_key,
    ENGINE_SECRET: env.ENGINE_SECRET || secrets.engine_secret,
  };
}
