import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsInt, IsNotEmpty, IsPositive, IsString, MaxLength } from 'class-validator';

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
