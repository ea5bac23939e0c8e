import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { UsersModule } from '../users/users.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { AuthSession } from './auth-session.entity';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { FirstRunService } from './first-run.service';

@Module({
  imports: [TypeOrmModule.forFeature([AuthSession]), UsersModule, WorkspacesModule],
  controllers: [AuthController],
  providers: [AuthService, FirstRunService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService, FirstRunService],
})
export class AuthModule {}
