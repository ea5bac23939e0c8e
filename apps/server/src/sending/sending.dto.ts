import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  OUTBOUND_MEDIA_KINDS,
  OUTBOUND_TEXT_MAX,
  OUTBOUND_TYPES,
  type OutboundMediaKind,
  type OutboundType,
} from '@switchboard/contracts';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class OutboundMediaDto {
  @ApiProperty({ enum: OUTBOUND_MEDIA_KINDS })
  @IsIn(OUTBOUND_MEDIA_KINDS)
  kind!: OutboundMediaKind;

  @ApiProperty({ description: 'A public http(s) link the provider fetches the file from' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  url!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'mimetype must look like image/jpeg' })
  mimetype?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(240)
  filename?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  caption?: string;
}

export class OutboundTemplateDto {
  @ApiProperty()
  @IsString()
  @Matches(/^[a-z0-9_]{1,512}$/, { message: 'name must be a Meta template name (a-z, 0-9, _)' })
  name!: string;

  @ApiProperty({ example: 'en_US' })
  @IsString()
  @Matches(/^[a-z]{2,3}(_[A-Z]{2})?$/, { message: 'language must look like en_US or id' })
  language!: string;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(1)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  header_parameters?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(1024, { each: true })
  body_parameters?: string[];
}

/** `POST /api/conversations/{contact uuid}/messages`: exactly one of text, media, template. */
export class SendMessageDto {
  @ApiProperty({ enum: OUTBOUND_TYPES })
  @IsIn(OUTBOUND_TYPES)
  type!: OutboundType;

  @ApiProperty({ description: 'Chosen by the client per message; a repeat sends nothing new' })
  @IsString()
  @Matches(/^[A-Za-z0-9_.:-]{8,100}$/, {
    message: 'idempotency_key must be 8-100 letters, digits or _ . : -',
  })
  idempotency_key!: string;

  @ApiPropertyOptional({ maxLength: OUTBOUND_TEXT_MAX })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'text' || dto.text !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(OUTBOUND_TEXT_MAX)
  text?: string;

  @ApiPropertyOptional({ type: OutboundMediaDto })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'media' || dto.media !== undefined)
  @ValidateNested()
  @Type(() => OutboundMediaDto)
  media?: OutboundMediaDto;

  @ApiPropertyOptional({ type: OutboundTemplateDto })
  @ValidateIf((dto: SendMessageDto) => dto.type === 'template' || dto.template !== undefined)
  @ValidateNested()
  @Type(() => OutboundTemplateDto)
  template?: OutboundTemplateDto;

  @ApiPropertyOptional({ description: 'The number to send from (its uuid)' })
  @IsOptional()
  @IsUUID()
  session_uuid?: string;

  @ApiPropertyOptional({ description: 'The inbox message (uuid) this replies to' })
  @IsOptional()
  @IsUUID()
  quoted_message_uuid?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  allow_failover?: boolean;
}
