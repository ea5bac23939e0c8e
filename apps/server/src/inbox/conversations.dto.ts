import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';

export class ListConversationsQuery {
  @ApiPropertyOptional({ description: 'Only the conversations of this number (its uuid)' })
  @IsOptional()
  @IsUUID()
  session?: string;

  @ApiPropertyOptional({ description: 'Search by contact name or phone number' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class ListMessagesQuery {
  @ApiPropertyOptional({ description: 'Only the messages on this number (its uuid)' })
  @IsOptional()
  @IsUUID()
  session?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class MarkConversationReadDto {
  @ApiPropertyOptional({
    description: 'Only the messages on this number; every number when left out',
  })
  @IsOptional()
  @IsUUID()
  session_uuid?: string;
}
