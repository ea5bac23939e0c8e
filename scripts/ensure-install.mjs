// Installs the pinned dependencies on a fresh checkout, so `npm start` and `npm test` work as the first command.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function ensureInstalled() {
  if (
    existsSync('node_modules/.package-lock.json') &&
    existsSync('node_modules/better-sqlite3/build/Release')
  )
    return;
  console.log('Installing dependencies (npm ci; better-sqlite3 compiles once, about a minute)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    stdio: 'inherit',
    env: { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

export function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
