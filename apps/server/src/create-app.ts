import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import express, { type Express } from 'express';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { APP_VERSION } from './app-version';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation.pipe';
import type { AppConfig } from './config/app-config';
import { PinoNestLogger } from './logging/logger';
import { requestLogging } from './logging/request-logging';
import type { RequestWithRawBody } from './common/raw-body';
import {
  ENGINE_AUTH_STATE_LIMIT_BYTES,
  ENGINE_AUTH_STATE_ROUTES,
} from './engine-link/engine-auth-state.service';

/** Builds the configured HTTP application; `main.ts` listens on it, tests drive it in-process. */
export async function createApp(
  config: AppConfig,
  logger: Logger,
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), {
    logger: new PinoNestLogger(logger),
    bodyParser: false,
  });
  if (config.trustProxy) app.set('trust proxy', true);
  app.use(requestLogging(logger));
  // Signatures (engine callbacks, Meta's webhook) are computed over the exact bytes received.
  const keepRawBody = (req: RequestWithRawBody, _res: unknown, buffer: Buffer): void => {
    req.rawBody = buffer;
  };
  // A linked number's WhatsApp Web auth archive is far larger than any API request.
  app.use(
    ENGINE_AUTH_STATE_ROUTES,
    express.json({ limit: ENGINE_AUTH_STATE_LIMIT_BYTES, verify: keepRawBody }),
  );
  app.use(express.json({ limit: config.bodyLimitBytes, verify: keepRawBody }));
  app.use(express.urlencoded({ extended: false, limit: config.bodyLimitBytes }));
  app.use(cookieParser());
  app.useGlobalFilters(new HttpExceptionFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Switchboard API')
      .setVersion(APP_VERSION)
      .addCookieAuth('sb_session')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document);
  serveAdmin(app.getHttpAdapter().getInstance(), config.adminDistDir);
  return app;
}

/**
 * Node closes idle keep-alive connections after 5 s, which races clients and proxies that reuse
 * them a moment later (ECONNRESET). Keep them longer than common proxy idle timeouts (60 s).
 */
export function keepConnectionsAlive(server: Server): void {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
}

/** The built admin SPA at `/`, with history-mode fallback for anything that is not the API. */
function serveAdmin(server: Express, distDir: string): void {
  const index = join(distDir, 'index.html');
  if (!existsSync(index)) return;
  server.use(express.static(distDir, { index: false, maxAge: '1h' }));
  server.get(/^\/(?!api\/|api$|socket\.io|broadcasting|webhook).*/, (req, res, next) => {
    if (req.method !== 'GET' || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
