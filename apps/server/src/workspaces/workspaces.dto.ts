import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { WORKSPACE_ROLES, type WorkspaceRole } from '@switchboard/contracts';
import {
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
} from 'class-validator';

export class CreateWorkspaceDto {
  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name!: string;

  @ApiPropertyOptional({ example: 'Asia/Jakarta' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  timezone?: string;
}

export class UpdateWorkspaceDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(128)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  timezone?: string;
}

export class AddMemberDto {
  @ApiProperty()
  @IsEmail()
  @MaxLength(191)
  email!: string;

  @ApiProperty({ enum: WORKSPACE_ROLES })
  @IsIn(WORKSPACE_ROLES)
  role!: WorkspaceRole;

  @ApiPropertyOptional({ description: 'Needed only when the email has no account yet' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  first_name?: string;

  @ApiPropertyOptional({ description: 'Needed only when the email has no account yet' })
  @IsOptional()
  @IsString()
  @MinLength(8)
  @MaxLength(200)
  password?: string;
}

export class ChangeMemberRoleDto {
  @ApiProperty({ enum: WORKSPACE_ROLES })
  @IsIn(WORKSPACE_ROLES)
  role!: WorkspaceRole;
}
