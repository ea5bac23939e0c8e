import { Body, Controller, Get, HttpCode, Post, Put } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { BroadcastSettingsView, BroadcastTestResult } from '@switchboard/contracts';
import { CurrentAuth, PlatformAdminOnly } from '../auth/auth.decorators';
import type { AuthContext } from '../auth/request-context';
import { UpdateBroadcastSettingsDto } from './broadcast-settings.dto';
import { BroadcastDriverSwitchService } from './broadcast-driver-switch.service';

/** Platform admins read, test and switch the broadcast driver; secrets are never sent back. */
@ApiTags('platform')
@Controller('api/admin/settings/broadcast')
@PlatformAdminOnly()
export class BroadcastSettingsController {
  constructor(private readonly drivers: BroadcastDriverSwitchService) {}

  @Get()
  show(): Promise<BroadcastSettingsView> {
    return this.drivers.view();
  }

  @Put()
  update(@Body() body: UpdateBroadcastSettingsDto): Promise<BroadcastSettingsView> {
    return this.drivers.update(body);
  }

  /** Publishes a test event with these settings (unsaved) and reports success or the failure. */
  @Post('test')
  @HttpCode(200)
  test(
    @Body() body: UpdateBroadcastSettingsDto,
    @CurrentAuth() auth: AuthContext,
  ): Promise<BroadcastTestResult> {
    return this.drivers.test(body, auth.user.id);
  }
}
