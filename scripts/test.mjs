// `npm test`: the whole jest suite against the configured backends, then one summary line.
// Without TEST_DATABASE_URL / TEST_REDIS_URL it runs on the embedded default (SQLite, local drivers).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ensureInstalled, run } from './ensure-install.mjs';

ensureInstalled();
/** The browser specs drive the built SPA: build it when it is missing or older than its sources. */
function adminBuildIsStale() {
  const built = 'apps/admin/dist/index.html';
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? newer(path) : statSync(path).mtimeMs > builtAt;
    });
  return newer('apps/admin/src') || newer('libs/contracts/src');
}
if (adminBuildIsStale()) run('npm', ['run', '--silent', 'build:admin']);

const backend = process.env.TEST_DATABASE_URL ? 'MariaDB/MySQL' : 'SQLite';
const drivers = process.env.TEST_REDIS_URL ? 'Redis' : 'local';
console.log(`Running the test suite on ${backend} with ${drivers} drivers`);

const dir = mkdtempSync(join(tmpdir(), 'sb-jest-'));
const out = join(dir, 'results.json');
const jest = spawnSync(
  process.execPath,
  [
    'node_modules/jest/bin/jest.js',
    '--ci',
    '--json',
    `--outputFile=${out}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit', env: process.env },
);
let passed = 0;
let failed = 0;
let skipped = 0;
if (existsSync(out)) {
  const results = JSON.parse(readFileSync(out, 'utf8'));
  passed = results.numPassedTests;
  failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
  skipped = results.numPendingTests + results.numTodoTests;
} else {
  failed = 1;
}
if (jest.status !== 0 && failed === 0) failed = 1;

// The admin SPA's unit specs run in vitest (Vue components need Vite's compiler); with jest
// arguments (one spec, a pattern) only jest runs.
if (process.argv.length <= 2) {
  const adminOut = join(dir, 'admin-results.json');
  const vitest = spawnSync(
    'npm',
    [
      'run',
      '--silent',
      'test',
      '--workspace',
      'apps/admin',
      '--',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${adminOut}`,
    ],
    { stdio: 'inherit', env: process.env },
  );
  const results = existsSync(adminOut) ? JSON.parse(readFileSync(adminOut, 'utf8')) : null;
  if (results) {
    passed += results.numPassedTests;
    failed += results.numFailedTests;
    skipped += results.numPendingTests + results.numTodoTests;
  }
  if (vitest.status !== 0 && !results?.numFailedTests) failed += 1;
}
rmSync(dir, { recursive: true, force: true });
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || jest.status !== 0 ? 1 : 0);
