import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { USER_LOCALES, type UpdateProfileRequest, type UserLocale } from '@switchboard/contracts';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsPositive,
  IsString,
  MaxLength,
} from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'admin@switchboard.local' })
  @IsEmail()
  @MaxLength(191)
  email!: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  password!: string;
}

export class SwitchWorkspaceDto {
  @ApiProperty()
  @IsInt()
  @IsPositive()
  workspace_id!: number;
}

export class UpdateProfileDto implements UpdateProfileRequest {
  @ApiPropertyOptional({ enum: USER_LOCALES, description: 'The language of the admin' })
  @IsOptional()
  @IsIn(USER_LOCALES)
  locale?: UserLocale;
}
