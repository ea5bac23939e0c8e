import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { PLATFORM_ADMIN_ROLE, type UserLocale } from '@switchboard/contracts';
import { Repository } from 'typeorm';
import { PasswordHasher } from '../auth/password-hasher';
import { User } from './user.entity';

export interface NewUser {
  email: string;
  password: string;
  firstName: string;
  lastName?: string | null;
  platformAdmin?: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
  ) {}

  findById(id: number): Promise<User | null> {
    return this.users.findOne({ where: { id } });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOne({ where: { email: email.toLowerCase() } });
  }

  /** The user together with the password hash, which is never selected otherwise. */
  findWithPassword(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.password')
      .where('LOWER(user.email) = :email', { email: email.toLowerCase() })
      .getOne();
  }

  /** Changes only this user's row; the caller has checked the value against USER_LOCALES. */
  async setLocale(id: number, locale: UserLocale): Promise<void> {
    await this.users.update({ id }, { locale });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  async create(input: NewUser): Promise<User> {
    const user = this.users.create({
      email: input.email.toLowerCase(),
      password: await this.hasher.hash(input.password),
      firstName: input.firstName,
      lastName: input.lastName ?? null,
      role: input.platformAdmin ? PLATFORM_ADMIN_ROLE : 'user',
      status: 1,
    });
    return this.users.save(user);
  }
}
