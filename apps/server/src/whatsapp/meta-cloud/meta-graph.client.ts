import { Inject, Injectable } from '@nestjs/common';

/** Where the Graph API is and which version a number uses when its credentials name none. */
export interface MetaGraphOptions {
  /** `https://graph.facebook.com`, or a stand-in such as the fake Graph API in tests. */
  baseUrl: string;
  defaultVersion: string;
  timeoutMs: number;
}

/** Injection token of the {@link MetaGraphOptions} (AppConfig's `metaGraph`). */
export const META_GRAPH_OPTIONS = Symbol('META_GRAPH_OPTIONS');

export const GRAPH_VERSION_PATTERN = /^v\d{1,3}\.\d{1,2}$/;

/** One call to the Graph API, under `{baseUrl}/{version}/`. */
export interface GraphRequest {
  method: 'GET' | 'POST' | 'DELETE';
  /** `v21.0`; the configured default when omitted. */
  version?: string;
  /** Path segments after the version, each encoded here: `[phoneNumberId, 'messages']`. */
  path: string[];
  /** The bearer token. It travels in the Authorization header only, never in the URL. */
  token: string;
  query?: Record<string, string>;
  json?: unknown;
  /** A multipart body (media upload); fetch sets the boundary. */
  form?: FormData;
}

/** Graph's error object (`{"error":{…}}`), with its fields checked. */
export interface GraphErrorBody {
  message: string;
  type: string | null;
  code: number | null;
  subcode: number | null;
  /** `error_data.details`: the Cloud API's explanation, often naming the parameter. */
  details: string | null;
  fbtraceId: string | null;
}

/**
 * A Graph call that did not succeed: Graph's answer (`httpStatus` and, when it sent one, its error
 * object), or no answer at all (`httpStatus` null: unreachable or timed out).
 */
export class MetaGraphError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
    readonly graph: GraphErrorBody | null,
    readonly timedOut = false,
  ) {
    super(message);
    this.name = 'MetaGraphError';
  }
}

/**
 * The one HTTP client of the Graph API: bearer token, timeout, Graph's error body parsed. It logs
 * nothing, so neither tokens nor message bodies can reach a log through it.
 */
@Injectable()
export class MetaGraphClient {
  constructor(@Inject(META_GRAPH_OPTIONS) private readonly options: MetaGraphOptions) {}

  get defaultVersion(): string {
    return this.options.defaultVersion;
  }

  /** Graph's JSON answer; throws `MetaGraphError` for anything else. */
  async request(request: GraphRequest): Promise<Record<string, unknown>> {
    const version = request.version ?? this.options.defaultVersion;
    // A version from stored credentials becomes a path segment: never let it be more than one.
    if (!GRAPH_VERSION_PATTERN.test(version)) {
      throw new Error(`Graph API version must look like v21.0 (got "${version}")`);
    }
    const url = new URL(
      `${this.options.baseUrl}/${version}/${request.path.map(encodeURIComponent).join('/')}`,
    );
    for (const [name, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(name, value);
    }
    const headers: Record<string, string> = { authorization: `Bearer ${request.token}` };
    let body: string | FormData | undefined;
    if (request.form) {
      body = request.form;
    } else if (request.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(request.json);
    }

    let status: number;
    let text: string;
    try {
      const response = await fetch(url, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      text = await response.text();
    } catch (error) {
      throw unreachable(error, this.options.timeoutMs);
    }

    const parsed = parseJson(text);
    if (status >= 200 && status < 300) {
      if (isRecord(parsed)) return parsed;
      throw new MetaGraphError(
        `the Graph API answered HTTP ${status} without a JSON object`,
        status,
        null,
      );
    }
    const graph = readGraphError(parsed);
    throw new MetaGraphError(
      graph?.message ?? `the Graph API answered HTTP ${status}`,
      status,
      graph,
    );
  }

  /**
   * The bytes behind a media URL that `GET /{media-id}` gave, with the bearer token as Meta
   * requires; refused above `maxBytes`. Only Meta's media hosts (or the configured Graph origin)
   * are asked, so a token never travels anywhere else.
   */
  async download(mediaUrl: string, token: string, maxBytes: number): Promise<GraphDownload> {
    const url = this.mediaUrl(mediaUrl);
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw unreachable(error, this.options.timeoutMs);
    }
    if (response.status < 200 || response.status >= 300) {
      const graph = readGraphError(parseJson(await response.text().catch(() => '')));
      throw new MetaGraphError(
        graph?.message ?? `the media download answered HTTP ${response.status}`,
        response.status,
        graph,
      );
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > maxBytes) {
      await response.body?.cancel();
      throw new Error(`the media is ${declared} bytes, more than the ${maxBytes} allowed`);
    }
    let data: Buffer;
    try {
      data = Buffer.from(await response.arrayBuffer());
    } catch (error) {
      throw unreachable(error, this.options.timeoutMs);
    }
    if (data.length > maxBytes) {
      throw new Error(`the media is ${data.length} bytes, more than the ${maxBytes} allowed`);
    }
    return { data, mimeType: response.headers.get('content-type') };
  }

  private mediaUrl(text: string): URL {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new Error(`the Graph API gave a media URL that is no URL (${text.slice(0, 100)})`);
    }
    const graphOrigin = new URL(this.options.baseUrl).origin;
    const metaHost =
      url.protocol === 'https:' &&
      MEDIA_HOSTS.some((host) => url.hostname === host || url.hostname.endsWith(`.${host}`));
    if (url.origin !== graphOrigin && !metaHost) {
      throw new Error(`the Graph API gave a media URL on a host that is not Meta's (${url.host})`);
    }
    return url;
  }
}

/** Hosts Meta serves media downloads from; the bearer token goes to no other. */
const MEDIA_HOSTS = ['fbsbx.com', 'facebook.com', 'fbcdn.net', 'whatsapp.net'];

/** Bytes of a media download and the type the server gave them. */
export interface GraphDownload {
  data: Buffer;
  mimeType: string | null;
}

function unreachable(error: unknown, timeoutMs: number): MetaGraphError {
  // Duck-typed: fetch's DOMException and errors from another realm are no `instanceof Error`.
  const name = isObject(error) ? error.name : undefined;
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new MetaGraphError(
      `the Graph API did not answer within ${timeoutMs} ms`,
      null,
      null,
      true,
    );
  }
  // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND…) is in its cause.
  const cause = isObject(error) ? error.cause : undefined;
  const reason = messageOf(cause) ?? messageOf(error) ?? String(error);
  return new MetaGraphError(`the Graph API could not be reached (${reason})`, null, null);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function messageOf(value: unknown): string | null {
  return isObject(value) && typeof value.message === 'string' ? value.message : null;
}

function readGraphError(body: unknown): GraphErrorBody | null {
  const error = isRecord(body) ? body.error : undefined;
  if (!isRecord(error) || typeof error.message !== 'string') return null;
  const data = isRecord(error.error_data) ? error.error_data : {};
  return {
    message: error.message,
    type: typeof error.type === 'string' ? error.type : null,
    code: integer(error.code),
    subcode: integer(error.error_subcode),
    details: typeof data.details === 'string' ? data.details : null,
    fbtraceId: typeof error.fbtrace_id === 'string' ? error.fbtrace_id : null,
  };
}

/** Graph sends codes as numbers; some relays send them as strings. */
function integer(value: unknown): number | null {
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) ? number : null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
