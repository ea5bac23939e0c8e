import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Patch,
  Post,
  Put,
  Req,
  Res,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { SESSION_COOKIE, type SessionView } from '@switchboard/contracts';
import type { Request, Response } from 'express';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CurrentAuth, Public } from './auth.decorators';
import { LoginDto, SwitchWorkspaceDto, UpdateProfileDto } from './auth.dto';
import { AuthService } from './auth.service';
import type { AuthContext } from './request-context';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: LoginDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SessionView> {
    const { token, view } = await this.auth.login(body.email, body.password, {
      ip: req.ip ?? null,
      userAgent: req.headers['user-agent'] ?? null,
    });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: this.config.publicUrl.startsWith('https://'),
      path: '/',
      expires: new Date(view.expires_at),
    });
    return { ...view, token };
  }

  @Post('logout')
  @HttpCode(204)
  async logout(
    @CurrentAuth() auth: AuthContext,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(auth);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  me(@CurrentAuth() auth: AuthContext): Promise<SessionView> {
    return this.auth.view(auth);
  }

  /** The signed-in user's own profile (today: their language); never another user's. */
  @Patch('me')
  updateMe(@CurrentAuth() auth: AuthContext, @Body() body: UpdateProfileDto): Promise<SessionView> {
    return this.auth.updateProfile(auth, body);
  }

  @Put('workspace')
  switchWorkspace(
    @CurrentAuth() auth: AuthContext,
    @Body() body: SwitchWorkspaceDto,
  ): Promise<SessionView> {
    return this.auth.switchWorkspace(auth, body.workspace_id);
  }
}
