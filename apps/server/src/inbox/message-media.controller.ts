import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { WorkspaceContext } from '../auth/request-context';
import { CurrentWorkspace, WorkspaceScoped } from '../workspaces/workspace-context';
import { contactUuid } from './conversations.controller';
import { MessageMediaService } from './message-media.service';

/**
 * Types a browser may show inline. Anything else (HTML, SVG, scripts, PDFs…) a customer sends is
 * downloaded, never rendered on Switchboard's origin.
 */
const INLINE =
  /^(image\/(jpeg|png|gif|webp)|video\/(mp4|3gpp|webm)|audio\/(ogg|mpeg|mp4|aac|amr|webm))$/;

/** A message's media bytes, for previews in the inbox (`<img>`, `<video>`, `<audio>`, download). */
@ApiTags('conversations')
@Controller('api/conversations')
@WorkspaceScoped()
export class MessageMediaController {
  constructor(private readonly media: MessageMediaService) {}

  @Get(':uuid/messages/:messageUuid/media')
  async download(
    @CurrentWorkspace() ws: WorkspaceContext,
    @Param('uuid', contactUuid) contact: string,
    @Param('messageUuid') message: string,
    @Res() res: Response,
  ): Promise<void> {
    const media = await this.media.media(ws.workspaceId, contact, message);
    if (media.kind === 'link') {
      res.redirect(302, media.url);
      return;
    }
    const type = (media.mimetype ?? '').split(';')[0]!.trim().toLowerCase();
    const inline = INLINE.test(type);
    // Express spells the file name safely (quoted and RFC 5987 encoded); then the type is ours.
    res.attachment(media.filename ?? undefined);
    const disposition = String(res.getHeader('Content-Disposition'));
    res.setHeader(
      'Content-Disposition',
      inline ? disposition.replace(/^attachment/, 'inline') : disposition,
    );
    res.setHeader('Content-Type', inline ? type : 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Cache-Control', 'private, max-age=86400');
    // The path is ours (workspace id and message uuid, checked): a DATA_DIR under a dot-folder
    // (~/.switchboard) must still serve.
    await new Promise<void>((resolve, reject) =>
      res.sendFile(media.path, { dotfiles: 'allow' }, (error) =>
        error && !res.headersSent ? reject(error) : resolve(),
      ),
    );
  }
}
