import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ENGINE_EVENT_TYPES,
  ENGINE_SESSION_ID_PATTERN,
  type AuthStateBody,
  type ClaimsRequest,
  type EngineAnnouncement,
  type EngineWithdrawal,
  type EngineEventType,
  type LeaseRequest,
  type ReleaseRequest,
} from '@switchboard/contracts';
import {
  ArrayMaxSize,
  IsArray,
  IsBase64,
  IsIn,
  IsInt,
  IsISO8601,
  IsUrl,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

const ENGINE_ID = /^[\w.:-]{1,191}$/;
const ENGINE_ID_MESSAGE = 'engine_id must be 1-191 letters, digits, _ . : or -';
const SESSION_ID_MESSAGE = 'each session id must be 1-64 letters, digits, _ or -';

/** The envelope of an engine event; `data` is typed by `type` in the contracts. */
export class EngineEventDto {
  @ApiProperty({ enum: ENGINE_EVENT_TYPES })
  @IsIn(ENGINE_EVENT_TYPES)
  type!: EngineEventType;

  @ApiProperty()
  @IsString()
  @Matches(/^[\w-]{8,64}$/, { message: 'event_id must be 8-64 letters, digits, _ or -' })
  event_id!: string;

  @ApiProperty()
  @Matches(ENGINE_SESSION_ID_PATTERN, { message: SESSION_ID_MESSAGE })
  session_id!: string;

  @ApiProperty()
  @Matches(ENGINE_ID, { message: ENGINE_ID_MESSAGE })
  engine_id!: string;

  @ApiProperty()
  @IsInt()
  @Min(0)
  sequence!: number;

  @ApiProperty()
  @IsISO8601({ strict: true })
  occurred_at!: string;

  @ApiProperty({ type: Object })
  @IsObject()
  data!: Record<string, unknown>;
}

export class ReleaseRequestDto implements ReleaseRequest {
  @ApiProperty()
  @Matches(ENGINE_ID, { message: ENGINE_ID_MESSAGE })
  engine_id!: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(ENGINE_SESSION_ID_PATTERN, { each: true, message: SESSION_ID_MESSAGE })
  session_ids!: string[];
}

export class LeaseRequestDto extends ReleaseRequestDto implements LeaseRequest {
  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  ttl_ms!: number;
}

export class ClaimsRequestDto implements ClaimsRequest {
  @ApiProperty()
  @Matches(ENGINE_ID, { message: ENGINE_ID_MESSAGE })
  engine_id!: string;

  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(1000)
  capacity!: number;

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @Matches(ENGINE_SESSION_ID_PATTERN, { each: true, message: SESSION_ID_MESSAGE })
  running_session_ids?: string[];
}

export class AuthStateDto implements AuthStateBody {
  @ApiProperty()
  @Matches(ENGINE_ID, { message: ENGINE_ID_MESSAGE })
  engine_id!: string;

  @ApiProperty({ description: 'The auth archive, base64' })
  @IsString()
  @IsBase64()
  archive!: string;
}

export class EngineIdQuery {
  @ApiProperty()
  @Matches(ENGINE_ID, { message: ENGINE_ID_MESSAGE })
  engine_id!: string;
}

export class EngineWithdrawalDto implements EngineWithdrawal {
  @ApiProperty()
  @Matches(ENGINE_ID, { message: ENGINE_ID_MESSAGE })
  engine_id!: string;
}

export class EngineAnnouncementDto extends EngineWithdrawalDto implements EngineAnnouncement {
  @ApiProperty({ description: "Where the server reaches the engine's command API" })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(512)
  url!: string;

  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(100_000)
  sessions!: number;

  @ApiProperty()
  @IsInt()
  @Min(0)
  @Max(100_000)
  max_sessions!: number;

  @ApiProperty({ type: Number, nullable: true })
  @IsOptional()
  @IsInt()
  @Min(0)
  memory_mb!: number | null;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  ttl_ms!: number;
}
