import 'reflect-metadata';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config/app-config';
import { withLocalSecrets } from './config/local-secrets';
import { createApp, keepConnectionsAlive } from './create-app';
import { FirstRunService } from './auth/first-run.service';
import { createRootLogger } from './logging/logger';

async function main(): Promise<void> {
  const config = loadConfig(withLocalSecrets(process.env), {
    adminDistDir: resolve(__dirname, '../../../../apps/admin/dist'),
  });
  const logger = createRootLogger(config.logLevel, { service: 'server' });
  const app = await createApp(config, logger);
  await app.listen(config.port, config.host);
  keepConnectionsAlive(app.getHttpServer());
  logger.info(
    { url: config.publicUrl, database: config.database.kind, redis: Boolean(config.redisUrl) },
    'switchboard listening',
  );

  const lines = [`Switchboard is running at ${config.publicUrl}`];
  const admin = app.get(FirstRunService).firstAdmin();
  if (admin) {
    lines.push(`First admin login: ${admin.email}`);
    lines.push(
      admin.generatedPassword
        ? `Password (shown once, change it): ${admin.generatedPassword}`
        : 'Password: the ADMIN_PASSWORD you set',
    );
  }
  process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Switchboard failed to start: ${(error as Error).stack ?? String(error)}\n`,
    );
  }
  process.exit(1);
});
