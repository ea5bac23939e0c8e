import { Module } from '@nestjs/common';
import { SettingsService } from './settings.service';

/** The platform-wide key/value settings; features own the meaning of their keys. */
@Module({
  providers: [SettingsService],
  exports: [SettingsService],
})
export class SettingsModule {}
