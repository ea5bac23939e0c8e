import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from '../auth/password-hasher';
import { User } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([User])],
  providers: [UsersService, { provide: PasswordHasher, useValue: new PasswordHasher() }],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
