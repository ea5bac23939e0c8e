import { timingSafeEqual } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ErrorCode } from '@switchboard/contracts';
import type { DataSource } from 'typeorm';
import { AppException } from '../common/app.exception';
import { Setting } from '../settings/setting.entity';
import { InboundPipelineService } from './inbound-pipeline.service';
import type { MetaNumber } from './messaging-sessions.service';
import { verifyMetaSignature } from './meta-signature';
import { MetaWebhookTargets, type MetaWebhookTarget } from './meta-webhook-targets';
import {
  MetaWebhookFormatError,
  parseMetaWebhook,
  type MetaNumberChanges,
} from './meta-webhook.mapper';

/**
 * The `settings` key holding the token Meta must present in the webhook handshake: Blazz's own
 * key, so a Meta app already pointed at Blazz keeps verifying.
 */
export const META_VERIFY_TOKEN_SETTING = 'whatsapp_callback_token';

/** Meta's challenge is a number; anything else is not echoed back. */
const CHALLENGE = /^[A-Za-z0-9_.-]{1,128}$/;

export interface MetaWebhookReceipt {
  messages: { stored: number; duplicate: number; ignored: number };
  statuses: { applied: number; skipped: number };
  /** `phone_number_id`s in the delivery that are no Meta number of this workspace. */
  unknown_phone_number_ids: string[];
}

/**
 * The Meta Cloud API source of the inbound pipeline: `/webhook/whatsapp/{workspace identifier}`
 * (Blazz's path). Deliveries are checked whole (shape, number, `X-Hub-Signature-256` under the
 * number's app secret) before anything is stored.
 */
@Injectable()
export class MetaWebhookService {
  private readonly logger = new Logger('MetaWebhook');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly targets: MetaWebhookTargets,
    private readonly pipeline: InboundPipelineService,
  ) {}

  /** Meta's subscription handshake: the challenge back when the verify token matches. */
  async verifySubscription(identifier: string, query: Record<string, unknown>): Promise<string> {
    await this.target(identifier);
    const expected = (
      await this.dataSource.getRepository(Setting).findOneBy({ key: META_VERIFY_TOKEN_SETTING })
    )?.value;
    const { 'hub.mode': mode, 'hub.verify_token': token, 'hub.challenge': challenge } = query;
    if (
      mode !== 'subscribe' ||
      !expected ||
      typeof token !== 'string' ||
      !sameText(token, expected) ||
      typeof challenge !== 'string' ||
      !CHALLENGE.test(challenge)
    ) {
      throw AppException.forbidden('Webhook verification failed');
    }
    return challenge;
  }

  async receive(
    identifier: string,
    body: unknown,
    rawBody: Buffer | undefined,
    signature: string | undefined,
  ): Promise<MetaWebhookReceipt> {
    let target = await this.target(identifier);
    if (!rawBody) {
      throw new AppException(
        HttpStatus.UNSUPPORTED_MEDIA_TYPE,
        ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        'A webhook body must be application/json',
      );
    }
    let changes: MetaNumberChanges[];
    try {
      changes = parseMetaWebhook(body);
    } catch (error) {
      if (!(error instanceof MetaWebhookFormatError)) throw error;
      throw AppException.validation(error.message, [
        { field: error.field, problems: ['is missing or malformed'] },
      ]);
    }
    let matched = this.match(target, changes, rawBody, signature);
    if (!('known' in matched) || matched.unknown.length > 0) {
      // The cached numbers may be behind (a number added or re-keyed since): once more, fresh.
      target = await this.target(identifier, true);
      matched = this.match(target, changes, rawBody, signature);
    }
    if (!('known' in matched)) throw matched.refusal;
    const { known, unknown } = matched;
    if (unknown.length > 0) {
      this.logger.warn(
        `workspace ${target.workspaceId}: webhook names unknown phone_number_id ${unknown.join(', ')}`,
      );
    }

    const receipt: MetaWebhookReceipt = {
      messages: { stored: 0, duplicate: 0, ignored: 0 },
      statuses: { applied: 0, skipped: 0 },
      unknown_phone_number_ids: unknown,
    };
    for (const { number, changes: change } of known) {
      // A delivery's messages through one number are stored in one transaction.
      for (const { outcome } of await this.pipeline.ingestMany(number.session, change.messages)) {
        receipt.messages[outcome] += 1;
      }
      for (const status of change.statuses) {
        if (await this.pipeline.applyStatus(number.session, status)) receipt.statuses.applied += 1;
        else receipt.statuses.skipped += 1;
      }
    }
    return receipt;
  }

  private async target(identifier: string, reload = false): Promise<MetaWebhookTarget> {
    const target = await this.targets.find(identifier, reload);
    if (!target) throw AppException.notFound('Workspace');
    return target;
  }

  /**
   * The delivery's changes paired with the numbers they name, once every named number's app
   * secret has verified the body; or why the delivery is refused.
   */
  private match(
    target: MetaWebhookTarget,
    changes: MetaNumberChanges[],
    rawBody: Buffer,
    signature: string | undefined,
  ): Matched | { refusal: AppException } {
    const known: Matched['known'] = [];
    const unknown: string[] = [];
    for (const change of changes) {
      const number = target.numbers.get(change.phoneNumberId);
      if (number) known.push({ number, changes: change });
      else unknown.push(change.phoneNumberId);
    }
    if (known.length === 0 && unknown.length > 0) {
      // Meta retries for days: once the number is added, nothing was lost.
      return {
        refusal: new AppException(
          HttpStatus.NOT_FOUND,
          ErrorCode.NOT_FOUND,
          'No Meta number of this workspace has this phone_number_id',
          { phone_number_ids: unknown },
        ),
      };
    }
    if (known.length === 0) {
      // Nothing names a number (e.g. only other webhook fields): still only Meta may post here.
      const secrets = [...target.numbers.values()].flatMap((n) =>
        n.appSecret ? [n.appSecret] : [],
      );
      if (!secrets.some((secret) => verifyMetaSignature(secret, rawBody, signature))) {
        return { refusal: refused('bad_signature') };
      }
    }
    for (const { number } of known) {
      if (!number.appSecret) {
        this.logger.warn(
          `Meta number ${number.session.uuid} has no app secret: its webhooks cannot be verified`,
        );
        return { refusal: refused('no_app_secret') };
      }
      if (!verifyMetaSignature(number.appSecret, rawBody, signature)) {
        return { refusal: refused('bad_signature') };
      }
    }
    return { known, unknown };
  }
}

/** A verified delivery: its changes by number, and the `phone_number_id`s no number has. */
interface Matched {
  known: Array<{ number: MetaNumber; changes: MetaNumberChanges }>;
  unknown: string[];
}

function refused(reason: 'bad_signature' | 'no_app_secret'): AppException {
  return new AppException(
    HttpStatus.UNAUTHORIZED,
    ErrorCode.UNAUTHENTICATED,
    reason === 'bad_signature'
      ? 'X-Hub-Signature-256 does not match the body'
      : 'This number has no Meta app secret to verify its webhooks with',
    { reason },
  );
}

/** Constant-time text comparison (lengths may differ). */
function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
