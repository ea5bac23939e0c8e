import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { PLATFORM_ADMIN_ROLE } from '@switchboard/contracts';
import { buildMigrations } from '@switchboard/migrations';
import { DataSource } from 'typeorm';
import { PasswordHasher } from './auth/password-hasher';
import { ConfigError, loadConfig, type AppConfig } from './config/app-config';
import { withLocalSecrets } from './config/local-secrets';
import { buildDataSourceOptions, MIGRATIONS_TABLE } from './database/data-source-options';
import { ENTITIES, secretBoxFrom } from './database/database.module';
import { ensureSqliteFolder } from './database/database-url';
import { revertAllMigrations, runPendingMigrations } from './database/migration-runner';
import { formatHealthReport } from './sending/number-health.report';
import { NumberHealthService } from './sending/number-health.service';
import { User } from './users/user.entity';

const USAGE = `Usage: npm run cli -- <command>
  migrate                                   apply pending migrations
  migrate:revert [--all]                    revert the newest migration (or all of them)
  migrate:status                            list applied and pending migrations
  admin:create --email E [--password P] [--name N]
                                            create a platform admin, or promote and reset an existing user
  numbers:health [--workspace ID] [--json]  recompute and print every number's health and provider
                                            (the server also does this every minute)
`;

type Args = Record<string, string | true>;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const args = parseArgs(rest);
  if (!command || command === 'help' || args.help) {
    process.stdout.write(USAGE);
    return command ? 0 : 2;
  }
  const config = loadConfig(withLocalSecrets(process.env), {
    adminDistDir: resolve('apps/admin/dist'),
  });
  const dataSource = await openDataSource(config);
  try {
    switch (command) {
      case 'migrate': {
        const ran = await runPendingMigrations(dataSource);
        say(ran.length ? ran.map((m) => `applied ${m.name}`).join('\n') : 'nothing to migrate');
        return 0;
      }
      case 'migrate:revert': {
        if (args.all) {
          say(`reverted ${await revertAllMigrations(dataSource)} migrations`);
        } else {
          await dataSource.undoLastMigration({ transaction: 'each' });
          say('reverted the newest migration');
        }
        return 0;
      }
      case 'migrate:status': {
        const applied = await appliedMigrationNames(dataSource);
        for (const migration of dataSource.migrations) {
          say(
            `${applied.has(migration.name ?? '') ? 'applied' : 'pending'}  ${migration.name ?? ''}`,
          );
        }
        return 0;
      }
      case 'admin:create':
        return await createAdmin(dataSource, args);
      case 'numbers:health': {
        const workspace = typeof args.workspace === 'string' ? Number(args.workspace) : undefined;
        if (workspace !== undefined && !Number.isInteger(workspace)) {
          process.stderr.write('--workspace needs a workspace id\n');
          return 2;
        }
        const views = await new NumberHealthService(dataSource).refresh(workspace);
        process.stdout.write(
          args.json ? `${JSON.stringify(views, null, 2)}\n` : formatHealthReport(views),
        );
        return 0;
      }
      default:
        process.stderr.write(`unknown command "${command}"\n${USAGE}`);
        return 2;
    }
  } finally {
    await dataSource.destroy();
  }
}

async function createAdmin(dataSource: DataSource, args: Args): Promise<number> {
  const email = typeof args.email === 'string' ? args.email.toLowerCase() : '';
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    process.stderr.write('admin:create needs --email with an email address\n');
    return 2;
  }
  const given = typeof args.password === 'string' ? args.password : null;
  if (given !== null && given.length < 8) {
    process.stderr.write('--password must be at least 8 characters\n');
    return 2;
  }
  const password = given ?? randomBytes(12).toString('base64url');
  const users = dataSource.getRepository(User);
  const hash = await new PasswordHasher().hash(password);
  const existing = await users.findOne({ where: { email } });
  if (existing) {
    await users.update(
      { id: existing.id },
      { role: PLATFORM_ADMIN_ROLE, password: hash, status: 1 },
    );
    say(`${email} is now a platform admin; its password was reset`);
  } else {
    const name = typeof args.name === 'string' ? args.name : 'Admin';
    await users.save(
      users.create({
        email,
        password: hash,
        firstName: name,
        role: PLATFORM_ADMIN_ROLE,
        status: 1,
      }),
    );
    say(`created platform admin ${email}`);
  }
  if (!given) say(`password (shown once): ${password}`);
  return 0;
}

async function appliedMigrationNames(dataSource: DataSource): Promise<Set<string>> {
  const runner = dataSource.createQueryRunner();
  try {
    if (!(await runner.hasTable(MIGRATIONS_TABLE))) return new Set();
    const rows = (await runner.query(
      `SELECT name FROM ${dataSource.driver.escape(MIGRATIONS_TABLE)}`,
    )) as Array<{ name: string }>;
    return new Set(rows.map((row) => row.name));
  } finally {
    await runner.release();
  }
}

async function openDataSource(config: AppConfig): Promise<DataSource> {
  ensureSqliteFolder(config.database);
  const secretBox = secretBoxFrom(config);
  return new DataSource(
    buildDataSourceOptions(config.database, {
      entities: ENTITIES,
      migrations: buildMigrations({ secretBox, report: (line) => say(`report: ${line}`) }),
    }),
  ).initialize();
}

function parseArgs(rest: string[]): Args {
  const args: Args = {};
  for (let i = 0; i < rest.length; i += 1) {
    const flag = rest[i]!;
    if (!flag.startsWith('--')) continue;
    const next = rest[i + 1];
    if (next !== undefined && !next.startsWith('--')) {
      args[flag.slice(2)] = next;
      i += 1;
    } else {
      args[flag.slice(2)] = true;
    }
  }
  return args;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      error instanceof ConfigError
        ? `${error.message}\n`
        : `${(error as Error).stack ?? String(error)}\n`,
    );
    process.exit(1);
  },
);
