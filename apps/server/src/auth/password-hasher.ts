import bcrypt from 'bcryptjs';

const COST = 12;

/**
 * bcrypt, compatible with the hashes Blazz (Laravel) already stored: PHP writes the `$2y$`
 * prefix, which is the same algorithm as `$2b$`.
 */
export class PasswordHasher {
  constructor(private readonly cost = COST) {}

  hash(password: string): Promise<string> {
    return bcrypt.hash(password, this.cost);
  }

  async verify(password: string, hash: string | null): Promise<boolean> {
    if (!hash || !/^\$2[abxy]\$\d\d\$/.test(hash)) return false;
    return bcrypt.compare(password, hash.replace(/^\$2y\$/, '$2b$'));
  }
}
