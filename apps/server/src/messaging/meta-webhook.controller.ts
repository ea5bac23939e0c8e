import { Controller, Get, Header, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../auth/auth.decorators';
import type { RequestWithRawBody } from '../common/raw-body';
import { META_SIGNATURE_HEADER } from './meta-signature';
import { MetaWebhookService, type MetaWebhookReceipt } from './meta-webhook.service';

/** Meta's webhook for a workspace's Cloud API numbers, at Blazz's path. */
@ApiExcludeController()
@Controller('webhook/whatsapp')
@Public()
export class MetaWebhookController {
  constructor(private readonly webhooks: MetaWebhookService) {}

  @Get(':identifier')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  verify(@Param('identifier') identifier: string, @Req() req: Request): Promise<string> {
    return this.webhooks.verifySubscription(identifier, req.query);
  }

  @Post(':identifier')
  @HttpCode(200)
  receive(
    @Param('identifier') identifier: string,
    @Req() req: Request & RequestWithRawBody,
  ): Promise<MetaWebhookReceipt> {
    const signature = req.headers[META_SIGNATURE_HEADER];
    return this.webhooks.receive(
      identifier,
      req.body as unknown,
      req.rawBody,
      typeof signature === 'string' ? signature : undefined,
    );
  }
}
