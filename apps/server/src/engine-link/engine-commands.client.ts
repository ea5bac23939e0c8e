import { randomUUID } from 'node:crypto';
import { HttpStatus, Inject, Injectable, Optional } from '@nestjs/common';
import {
  ENGINE_ERROR_STATUS,
  ENGINE_ROUTES,
  EngineErrorCode,
  engineRoutePath,
  ErrorCode,
  SessionErrorReason,
  type EngineErrorBody,
  type EngineHealth,
  type EngineMediaView,
  type EngineRouteName,
  type EngineSessionView,
  type MarkReadRequest,
  type MarkReadResult,
  type SendMediaRequest,
  type SendResult,
  type SendTextRequest,
  type StartSessionRequest,
} from '@switchboard/contracts';
import { signRequest } from '@switchboard/contracts/node';
import { AppException } from '../common/app.exception';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { EngineRegistry, type EngineTarget } from './engine-registry.service';

export interface EngineCommandsOptions {
  /** How long one command may take before the engine counts as unavailable. */
  timeoutMs: number;
}

export const ENGINE_COMMANDS_OPTIONS = Symbol('ENGINE_COMMANDS_OPTIONS');

/** Blazz gave its Node service 10 s; starting a client answers long before that. */
const DEFAULT_TIMEOUT_MS = 10_000;
/** A health page must not hang on an engine that does not answer. */
const HEALTH_TIMEOUT_MS = 2_000;

/**
 * A command the engine did not carry out: it could not be reached (`engineCode` null) or it
 * answered with one of its error codes.
 */
export class EngineCommandError extends Error {
  constructor(
    message: string,
    readonly engineCode: EngineErrorCode | null,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The engine does not run this session (it never had it, or it stopped and forgot it). */
  get sessionNotFound(): boolean {
    return this.engineCode === EngineErrorCode.SESSION_NOT_FOUND;
  }

  /** The API's answer for this failure. */
  toAppException(): AppException {
    if (this.engineCode === null) {
      return new AppException(
        HttpStatus.SERVICE_UNAVAILABLE,
        ErrorCode.SERVICE_UNAVAILABLE,
        `The WhatsApp engine is unavailable: ${this.message}`,
        { reason: SessionErrorReason.ENGINE_UNAVAILABLE },
      );
    }
    const details = {
      ...this.details,
      reason: SessionErrorReason.ENGINE_ERROR,
      engine_code: this.engineCode,
    };
    switch (ENGINE_ERROR_STATUS[this.engineCode]) {
      case 404:
        return this.sessionNotFound || this.engineCode === EngineErrorCode.MESSAGE_NOT_FOUND
          ? new AppException(HttpStatus.CONFLICT, ErrorCode.CONFLICT, this.message, details)
          : badGateway(this.message, details);
      case 409:
        return new AppException(HttpStatus.CONFLICT, ErrorCode.CONFLICT, this.message, details);
      case 422:
        return new AppException(
          HttpStatus.UNPROCESSABLE_ENTITY,
          ErrorCode.VALIDATION_FAILED,
          this.message,
          details,
        );
      case 429:
      case 503:
        return new AppException(
          HttpStatus.SERVICE_UNAVAILABLE,
          ErrorCode.SERVICE_UNAVAILABLE,
          `The WhatsApp engine cannot take this now: ${this.message}`,
          details,
        );
      default:
        // 400/401/500/502: a fault between server and engine (or in WhatsApp Web), not the caller's.
        return badGateway(this.message, details);
    }
  }
}

function badGateway(message: string, details: Record<string, unknown>): AppException {
  return new AppException(
    HttpStatus.BAD_GATEWAY,
    ErrorCode.SERVICE_UNAVAILABLE,
    `The WhatsApp engine failed: ${message}`,
    details,
  );
}

/**
 * The server's client for the engine's command API: each request signed with ENGINE_SECRET as
 * the engine's guard expects, bounded by a timeout; failures become {@link EngineCommandError}.
 * Each session's commands go to the live engine holding its lease, a new session's start to the
 * least loaded live engine ({@link EngineRegistry}); while no engine has announced itself, to
 * ENGINE_URL, else the local engine this server runs.
 */
@Injectable()
export class EngineCommandsClient {
  private readonly timeoutMs: number;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(ENGINE_COMMANDS_OPTIONS) options?: EngineCommandsOptions,
    @Optional() private readonly registry?: EngineRegistry,
  ) {
    this.timeoutMs = options?.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** The configured engine; null when this server neither knows an engine nor runs one. */
  get baseUrl(): string | null {
    if (this.config.engineUrl) return this.config.engineUrl;
    // LocalEngineSupervisor starts the engine on 127.0.0.1:ENGINE_PORT.
    return this.config.localEngine ? `http://127.0.0.1:${this.config.enginePort}` : null;
  }

  /** The engine's own health report; throws when it does not answer within `timeoutMs`. */
  async health(timeoutMs = HEALTH_TIMEOUT_MS): Promise<EngineHealth> {
    const base = this.baseUrl;
    if (!base) throw new EngineCommandError('no engine is configured', null);
    const response = await fetch(`${base}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new EngineCommandError(`engine answered ${response.status}`, null);
    return (await response.json()) as EngineHealth;
  }

  startSession(sessionId: string, request: StartSessionRequest = {}): Promise<EngineSessionView> {
    return this.command('startSession', sessionId, request);
  }

  stopSession(sessionId: string): Promise<EngineSessionView> {
    return this.command('stopSession', sessionId);
  }

  logoutSession(sessionId: string): Promise<EngineSessionView> {
    return this.command('logoutSession', sessionId);
  }

  restartSession(sessionId: string): Promise<EngineSessionView> {
    return this.command('restartSession', sessionId);
  }

  regenerateQr(sessionId: string): Promise<EngineSessionView> {
    return this.command('regenerateQr', sessionId);
  }

  sessionStatus(sessionId: string): Promise<EngineSessionView> {
    return this.command('sessionStatus', sessionId);
  }

  /** The same idempotency key never sends twice on a session: a repeat answers the first result. */
  sendText(sessionId: string, request: SendTextRequest): Promise<SendResult> {
    return this.command('sendText', sessionId, request);
  }

  sendMedia(sessionId: string, request: SendMediaRequest): Promise<SendResult> {
    return this.command('sendMedia', sessionId, request);
  }

  markRead(sessionId: string, request: MarkReadRequest): Promise<MarkReadResult> {
    return this.command('markRead', sessionId, request);
  }

  /** A message's media, fetched from WhatsApp Web by the engine that holds the session. */
  messageMedia(sessionId: string, messageId: string): Promise<EngineMediaView> {
    return this.command('messageMedia', sessionId, undefined, messageId);
  }

  /**
   * The engine a command on the session goes to: from the registry of live engines, else the
   * configured one (`engineId` null).
   */
  async engineFor(sessionId: string): Promise<EngineTarget | { engineId: null; url: string }> {
    const routed = await this.registry?.engineFor(sessionId);
    if (routed) return routed;
    const base = this.baseUrl;
    if (!base) throw new EngineCommandError('no engine is configured (set ENGINE_URL)', null);
    return { engineId: null, url: base };
  }

  private async command<T>(
    name: EngineRouteName,
    sessionId: string,
    body?: unknown,
    messageId?: string,
  ): Promise<T> {
    const engine = await this.engineFor(sessionId);
    const answer = await this.send<T>(engine.url, name, sessionId, body, messageId);
    if (name === 'startSession' && engine.engineId !== null)
      await this.registry?.countStart(engine.engineId);
    return answer;
  }

  private async send<T>(
    base: string,
    name: EngineRouteName,
    sessionId: string,
    body?: unknown,
    messageId?: string,
  ): Promise<T> {
    const raw = body === undefined ? '' : JSON.stringify(body);
    let response: Response;
    try {
      response = await fetch(`${base}${engineRoutePath(name, { sessionId, messageId })}`, {
        method: ENGINE_ROUTES[name].method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...signRequest(this.config.engineSecret, raw, randomUUID()),
        },
        ...(body === undefined ? {} : { body: raw }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new EngineCommandError(unreachable(error, this.timeoutMs), null);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new EngineCommandError(unreachable(error, this.timeoutMs), null);
    }
    const parsed = parseJson(text);
    if (response.ok) {
      if (parsed === undefined) {
        throw new EngineCommandError('the engine answered with something other than JSON', null);
      }
      return parsed as T;
    }
    const error = engineError(parsed);
    if (!error) {
      throw new EngineCommandError(`the engine answered HTTP ${response.status}`, null);
    }
    throw new EngineCommandError(error.message, error.code, error.details ?? {});
  }
}

function unreachable(error: unknown, timeoutMs: number): string {
  // Duck-typed: the DOMException fetch throws need not share this realm's Error.
  const failure = error as { name?: unknown; message?: unknown; cause?: unknown } | null;
  if (failure?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
  const cause = failure?.cause as { code?: unknown; message?: unknown } | undefined;
  for (const text of [cause?.code, cause?.message, failure?.message]) {
    if (typeof text === 'string' && text) return text;
  }
  return String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function engineError(body: unknown): EngineErrorBody['error'] | null {
  const error = (body as Partial<EngineErrorBody> | undefined)?.error;
  if (!error || typeof error.message !== 'string') return null;
  if (!Object.values(EngineErrorCode).includes(error.code)) return null;
  return error;
}
