import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const sut = new PasswordHasher(4);

  it('verifies its own hashes and rejects a wrong password', async () => {
    const hash = await sut.hash('correct horse');
    expect(await sut.verify('correct horse', hash)).toBe(true);
    expect(await sut.verify('wrong horse', hash)).toBe(false);
  });

  it("accepts Laravel's $2y$ hashes so Blazz users keep their passwords", async () => {
    // Laravel Hash::make('password') output.
    const laravel = '$2y$10$92IXUNpkjO0rOQ5byMi.Ye4oKoEa3Ro9llC/.og/at2.uheWG/igi';
    expect(await sut.verify('password', laravel)).toBe(true);
    expect(await sut.verify('Password', laravel)).toBe(false);
  });

  it('refuses users without a usable hash', async () => {
    expect(await sut.verify('x', null)).toBe(false);
    expect(await sut.verify('x', 'plain-text')).toBe(false);
  });
});
