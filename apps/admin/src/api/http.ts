import { ErrorCode, WORKSPACE_HEADER, type ErrorBody } from '@switchboard/contracts';
import { t } from '@/i18n/use-i18n';

/** Codes for failures that never reached the API's error filter. */
export type ClientErrorCode = 'NETWORK_ERROR' | 'UNEXPECTED_RESPONSE';
export type ApiErrorCode = ErrorCode | ClientErrorCode;

/** Every failed request rejects with this; `status` is 0 when no HTTP answer arrived. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    /** Problems per request field (`details.fields` of the error body), keyed by field path. */
    readonly fields: Readonly<Record<string, string[]>> = {},
    /** Seconds from a `Retry-After` header, when the server sent one. */
    readonly retryAfterSeconds: number | null = null,
    /** The error body's `details` (e.g. `reason`, `session_uuid`), fields included. */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Sent as JSON. */
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined>;
  /** Send the current workspace in the workspace header (default true). */
  workspaceScoped?: boolean;
  /** A 401 on this request means "session expired" (default true; false for login/logout). */
  sessionExpiredOn401?: boolean;
  /** Non-2xx statuses whose non-error JSON body is still the answer (e.g. 503 from a health check). */
  acceptStatuses?: readonly number[];
  signal?: AbortSignal;
}

let currentWorkspaceId: () => number | null = () => null;
let sessionExpiredHandler: (error: ApiError) => void = () => undefined;

/** Tell the client where to read the workspace that scoped requests act on. */
export function setWorkspaceIdSource(read: () => number | null): void {
  currentWorkspaceId = read;
}

/** Called once per 401 answer to any request except those that opt out (login, logout). */
export function onSessionExpired(handler: (error: ApiError) => void): void {
  sessionExpiredHandler = handler;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

function fieldsOf(body: ErrorBody): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const item of body.error.details?.fields ?? []) {
    (fields[item.field] ??= []).push(...item.problems);
  }
  return fields;
}

function retryAfterOf(response: Response): number | null {
  const header = response.headers.get('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds));
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function errorFrom(response: Response, payload: unknown): ApiError {
  const retryAfter = retryAfterOf(response);
  if (isErrorBody(payload)) {
    return new ApiError(
      response.status,
      payload.error.code,
      payload.error.message,
      fieldsOf(payload),
      retryAfter,
      payload.error.details ?? {},
    );
  }
  // No error body: a proxy or gateway answered, not the API.
  const status = response.status;
  const message = [502, 503, 504].includes(status)
    ? t('errors.unavailable', { status })
    : t('errors.unexpected', { status });
  return new ApiError(status, 'UNEXPECTED_RESPONSE', message, {}, retryAfter);
}

function urlOf(path: string, query: RequestOptions['query']): string {
  const url = `/api${path}`;
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

/** The one way the SPA talks to `/api`: JSON in and out, cookie session, typed errors. */
export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.workspaceScoped ?? true) {
    const workspaceId = currentWorkspaceId();
    if (workspaceId !== null) headers[WORKSPACE_HEADER] = String(workspaceId);
  }

  let response: Response;
  try {
    response = await fetch(urlOf(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'NETWORK_ERROR', t('errors.network'));
  }

  const payload = await readJson(response);
  if (response.ok) return payload as T;
  if (
    options.acceptStatuses?.includes(response.status) &&
    payload !== undefined &&
    !isErrorBody(payload)
  ) {
    return payload as T;
  }

  const error = errorFrom(response, payload);
  if (response.status === 401 && (options.sessionExpiredOn401 ?? true)) {
    sessionExpiredHandler(error);
  }
  throw error;
}

/** A message fit to show a user for anything a request (or the code around it) threw. */
export function messageOf(error: unknown): string {
  return error instanceof ApiError ? error.message : t('errors.generic');
}
