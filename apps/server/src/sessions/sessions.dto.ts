import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  PROVIDER_TYPES,
  type CreateWhatsappSessionRequest,
  type MetaCredentialsInput,
  type ProviderType,
  type RequestPairingCodeRequest,
} from '@switchboard/contracts';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { GRAPH_VERSION_PATTERN } from '../whatsapp/meta-cloud/meta-graph.client';

const GRAPH_ID = /^\d{1,32}$/;

export class MetaCredentialsDto implements MetaCredentialsInput {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  access_token!: string;

  @ApiProperty({ example: '106540352242922' })
  @IsString()
  @Matches(GRAPH_ID, { message: 'must be the numeric id Meta shows for the phone number' })
  phone_number_id!: string;

  @ApiProperty({ example: '102290129340398' })
  @IsString()
  @Matches(GRAPH_ID, { message: 'must be the numeric WhatsApp Business Account id' })
  waba_id!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  app_secret?: string;

  @ApiPropertyOptional({ example: 'v21.0' })
  @IsOptional()
  @IsString()
  @Matches(GRAPH_VERSION_PATTERN, { message: 'must be a Graph API version such as v21.0' })
  api_version?: string;
}

export class CreateSessionDto implements CreateWhatsappSessionRequest {
  @ApiProperty({ enum: PROVIDER_TYPES })
  @IsIn(PROVIDER_TYPES)
  provider_type!: ProviderType;

  @ApiPropertyOptional({ description: 'Defaults to true when the workspace has no primary number' })
  @IsOptional()
  @IsBoolean()
  is_primary?: boolean;

  @ApiPropertyOptional({ type: MetaCredentialsDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => MetaCredentialsDto)
  meta?: MetaCredentialsDto;
}

export class RequestPairingCodeDto implements RequestPairingCodeRequest {
  @ApiProperty({ example: '+6281234567890' })
  @IsString()
  @Matches(/^\+?\d{6,15}$/, {
    message: 'must be the phone number in international format, such as +6281234567890',
  })
  phone_number!: string;
}
