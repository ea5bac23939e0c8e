import { resolve } from 'node:path';
import { parseDatabaseUrl } from './database-url';

describe('parseDatabaseUrl', () => {
  it('selects MySQL for mysql:// and mariadb:// URLs', () => {
    expect(parseDatabaseUrl('mariadb://u:p@127.0.0.1:3306/blazz')).toEqual({
      kind: 'mysql',
      location: 'mysql://u:p@127.0.0.1:3306/blazz',
    });
    expect(parseDatabaseUrl('mysql://u@db/app').kind).toBe('mysql');
  });

  it('selects SQLite for sqlite: paths, relative or absolute, and memory', () => {
    expect(parseDatabaseUrl('sqlite:./var/switchboard.sqlite')).toEqual({
      kind: 'sqlite',
      location: resolve('var/switchboard.sqlite'),
    });
    expect(parseDatabaseUrl('sqlite:///tmp/x.sqlite').location).toBe('/tmp/x.sqlite');
    expect(parseDatabaseUrl('sqlite::memory:').location).toBe(':memory:');
  });

  it('names what is wrong with a bad URL', () => {
    expect(() => parseDatabaseUrl('postgres://x/y')).toThrow(/must start with/);
    expect(() => parseDatabaseUrl('mysql://host')).toThrow(/names no database/);
    expect(() => parseDatabaseUrl('sqlite:')).toThrow(/names no SQLite file/);
  });
});
