import { Module } from '@nestjs/common';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { PlatformController } from './platform.controller';

@Module({ imports: [WorkspacesModule], controllers: [PlatformController] })
export class PlatformModule {}
