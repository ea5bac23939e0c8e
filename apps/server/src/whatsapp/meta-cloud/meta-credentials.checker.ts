import { HttpStatus, Injectable } from '@nestjs/common';
import { ErrorCode, SessionErrorReason, type MetaCredentialsInput } from '@switchboard/contracts';
import { AppException } from '../../common/app.exception';
import { metaWords } from './meta-errors.mapper';
import { MetaGraphClient, MetaGraphError } from './meta-graph.client';

/** What Graph says about a phone number whose credentials it accepted. */
export interface MetaPhoneNumberInfo {
  /** E.164 with `+`. */
  phoneNumber: string;
  verifiedName: string | null;
  qualityRating: string | null;
  apiVersion: string;
}

/**
 * Asks the Graph API for the phone number with the given token before credentials are saved, so
 * a wrong token or id is refused with Meta's own words instead of failing at the first send.
 */
@Injectable()
export class MetaCredentialsChecker {
  constructor(private readonly graph: MetaGraphClient) {}

  async check(credentials: MetaCredentialsInput): Promise<MetaPhoneNumberInfo> {
    const apiVersion = credentials.api_version ?? this.graph.defaultVersion;
    let phone: Record<string, unknown>;
    try {
      phone = await this.graph.request({
        method: 'GET',
        version: apiVersion,
        path: [credentials.phone_number_id],
        token: credentials.access_token,
        query: { fields: 'display_phone_number,verified_name,quality_rating' },
      });
    } catch (error) {
      if (!(error instanceof MetaGraphError)) throw error;
      const { httpStatus, graph } = error;
      if (httpStatus === null || httpStatus >= 500 || graph === null) {
        throw unavailable(error.message);
      }
      throw new AppException(
        HttpStatus.UNPROCESSABLE_ENTITY,
        ErrorCode.VALIDATION_FAILED,
        `Meta refused these credentials: ${metaWords(error)}`,
        {
          reason: SessionErrorReason.META_CREDENTIALS_REJECTED,
          meta_code: graph.code,
          ...(graph.subcode === null ? {} : { meta_subcode: graph.subcode }),
        },
      );
    }
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
