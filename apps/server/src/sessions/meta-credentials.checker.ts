import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import { ErrorCode, SessionErrorReason, type MetaCredentialsInput } from '@switchboard/contracts';
import { AppException } from '../common/app.exception';

/** Where the Graph API is and which version a number uses when its credentials name none. */
export interface MetaGraphOptions {
  /** `https://graph.facebook.com`, or a stand-in such as the fake Graph API in tests. */
  baseUrl: string;
  defaultVersion: string;
  timeoutMs: number;
}

export const META_GRAPH_OPTIONS = Symbol('META_GRAPH_OPTIONS');

export const GRAPH_VERSION_PATTERN = /^v\d{1,3}\.\d{1,2}$/;

/**
 * Reads META_GRAPH_URL and META_GRAPH_VERSION once at boot; a bad value stops the server with a
 * message that names the variable.
 */
export function metaGraphOptionsFromEnv(env: Record<string, string | undefined>): MetaGraphOptions {
  const problems: string[] = [];
  const baseUrl = (env.META_GRAPH_URL?.trim() || 'https://graph.facebook.com').replace(/\/+$/, '');
  try {
    if (!['http:', 'https:'].includes(new URL(baseUrl).protocol)) throw new Error('protocol');
  } catch {
    problems.push(`META_GRAPH_URL must be an http or https URL (got "${baseUrl}")`);
  }
  const defaultVersion = env.META_GRAPH_VERSION?.trim() || 'v21.0';
  if (!GRAPH_VERSION_PATTERN.test(defaultVersion)) {
    problems.push(`META_GRAPH_VERSION must look like v21.0 (got "${defaultVersion}")`);
  }
  if (problems.length > 0)
    throw new Error(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return { baseUrl, defaultVersion, timeoutMs: 10_000 };
}

/** What Graph says about a phone number whose credentials it accepted. */
export interface MetaPhoneNumberInfo {
  /** E.164 with `+`. */
  phoneNumber: string;
  verifiedName: string | null;
  qualityRating: string | null;
  apiVersion: string;
}

interface GraphError {
  message?: unknown;
  code?: unknown;
  error_subcode?: unknown;
}

/**
 * Asks the Graph API for the phone number with the given token before credentials are saved, so
 * a wrong token or id is refused with Meta's own words instead of failing at the first send.
 */
@Injectable()
export class MetaCredentialsChecker {
  constructor(@Inject(META_GRAPH_OPTIONS) private readonly options: MetaGraphOptions) {}

  async check(credentials: MetaCredentialsInput): Promise<MetaPhoneNumberInfo> {
    const apiVersion = credentials.api_version ?? this.options.defaultVersion;
    const url =
      `${this.options.baseUrl}/${apiVersion}/${encodeURIComponent(credentials.phone_number_id)}` +
      '?fields=display_phone_number,verified_name,quality_rating';
    let response: Response;
    let body: unknown;
    try {
      response = await fetch(url, {
        headers: { authorization: `Bearer ${credentials.access_token}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      body = await response.json().catch(() => undefined);
    } catch (error) {
      throw unavailable(error instanceof Error ? error.message : String(error));
    }
    const graphError = (body as { error?: GraphError } | undefined)?.error;
    if (!response.ok) {
      if (response.status >= 500 || typeof graphError?.message !== 'string') {
        throw unavailable(`the Graph API answered HTTP ${response.status}`);
      }
      throw new AppException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ErrorCode.VALIDATION_FAILED,
        `Meta refused these credentials: ${graphError.message}`,
        {
          reason: SessionErrorReason.META_CREDENTIALS_REJECTED,
          meta_code: graphError.code,
          ...(graphError.error_subcode === undefined
            ? {}
            : { meta_subcode: graphError.error_subcode }),
        },
      );
    }
    const phone = body as Record<string, unknown>;
    const digits =
      typeof phone.display_phone_number === 'string'
        ? phone.display_phone_number.replace(/\D/g, '')
        : '';
    if (!digits) throw unavailable('the Graph API answered without display_phone_number');
    return {
      phoneNumber: `+${digits}`,
      verifiedName: typeof phone.verified_name === 'string' ? phone.verified_name : null,
      qualityRating: typeof phone.quality_rating === 'string' ? phone.quality_rating : null,
      apiVersion,
    };
  }
}

function unavailable(why: string): AppException {
  return new AppException(
    HttpStatus.SERVICE_UNAVAILABLE,
    ErrorCode.SERVICE_UNAVAILABLE,
    `The Meta Graph API could not check the credentials: ${why}`,
    { reason: SessionErrorReason.META_UNAVAILABLE },
  );
}
