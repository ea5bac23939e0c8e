import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  BROADCAST_DRIVERS,
  PUSHER_SCHEMES,
  type BroadcastDriver,
  type PusherScheme,
  type UpdateBroadcastSettingsRequest,
} from '@switchboard/contracts';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';

export class PusherSettingsDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(191)
  app_id?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(191)
  app_key?: string;

  @ApiPropertyOptional({ description: 'Sent only to change it; never returned' })
  @IsOptional()
  @IsString()
  @MaxLength(191)
  app_secret?: string;

  @ApiPropertyOptional({ example: 'mt1' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  cluster?: string;

  @ApiPropertyOptional({
    description: 'Empty for Pusher Channels; Reverb or soketi host otherwise',
  })
  @IsOptional()
  @IsString()
  @MaxLength(253)
  @Matches(/^[A-Za-z0-9.-]*$/, {
    message: 'host must be a host name or IP address, without scheme',
  })
  host?: string;

  @ApiPropertyOptional({ example: 443 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  port?: number;

  @ApiPropertyOptional({ enum: PUSHER_SCHEMES })
  @IsOptional()
  @IsIn(PUSHER_SCHEMES)
  scheme?: PusherScheme;
}

export class UpdateBroadcastSettingsDto implements UpdateBroadcastSettingsRequest {
  @ApiProperty({ enum: BROADCAST_DRIVERS })
  @IsIn(BROADCAST_DRIVERS)
  driver!: BroadcastDriver;

  @ApiPropertyOptional({ type: PusherSettingsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PusherSettingsDto)
  pusher?: PusherSettingsDto;
}

/** What pusher-js posts to `/broadcasting/auth` (form-encoded or JSON). */
export class BroadcastingAuthDto {
  @ApiProperty({ example: '1234.5678' })
  @IsString()
  @Matches(/^\d+\.\d+$/, { message: 'socket_id must look like 1234.5678' })
  socket_id!: string;

  @ApiProperty({ example: 'private-workspace.1' })
  @IsString()
  @MaxLength(200)
  channel_name!: string;
}
