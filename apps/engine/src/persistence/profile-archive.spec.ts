import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { packProfile, ProfileArchiveError, unpackProfile } from './profile-archive';

describe('profile archive', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-profile-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  async function put(path: string, content: string | Buffer): Promise<void> {
    await mkdir(join(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), content);
  }

  it('carries the session directories to another profile, byte for byte, and nothing else', async () => {
    const binary = Buffer.from([0, 1, 2, 255, 254]);
    await put(
      'src/Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log',
      binary,
    );
    await put('src/Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/LOCK', '');
    await put('src/Default/Local Storage/leveldb/CURRENT', 'MANIFEST-000001\n');
    await put('src/Default/Cache/big.bin', 'not needed');
    const archive = await packProfile(join(dir, 'src'));

    await put('dst/Default/Local Storage/leveldb/stale.log', 'from an older link');
    expect(await unpackProfile(archive, join(dir, 'dst'))).toBe(2);
    expect(
      await readFile(
        join(dir, 'dst/Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb/000003.log'),
      ),
    ).toEqual(binary);
    expect(await readFile(join(dir, 'dst/Default/Local Storage/leveldb/CURRENT'), 'utf8')).toBe(
      'MANIFEST-000001\n',
    );
    await expect(
      readFile(join(dir, 'dst/Default/Local Storage/leveldb/stale.log')),
    ).rejects.toThrow();
    await expect(readFile(join(dir, 'dst/Default/Cache/big.bin'))).rejects.toThrow();
  });

  it('never packs a torn copy while Chromium compacts the database under it', async () => {
    const db = 'Default/IndexedDB/https_web.whatsapp.com_0.indexeddb.leveldb';
    for (let i = 0; i < 40; i++) await put(`${db}/${String(i).padStart(6, '0')}.ldb`, `table ${i}`);
    await put(`${db}/MANIFEST-000001`, 'tables 0..39');
    // Compaction as LevelDB does it: a new table, a new manifest, old tables deleted.
    const compact = async () => {
      for (let round = 0; round < 30; round++) {
        await new Promise((resolve) => setImmediate(resolve));
        await put(`${db}/${String(100 + round).padStart(6, '0')}.ldb`, `merged ${round}`);
        await rm(join(dir, db, `${String(round).padStart(6, '0')}.ldb`));
        await put(`${db}/MANIFEST-000001`, `after round ${round}`);
      }
    };
    const [archive] = await Promise.all([packProfile(dir), compact()]);

    const copy = await mkdtemp(join(tmpdir(), 'sb-profile-copy-'));
    try {
      await unpackProfile(archive, copy);
      const manifest = await readFile(join(copy, db, 'MANIFEST-000001'), 'utf8');
      // Whatever moment the copy shows, every table its manifest implies is in it.
      const round = manifest.startsWith('after round ') ? Number(manifest.slice(12)) : -1;
      for (let i = round + 1; i < 40; i++)
        expect(await readFile(join(copy, db, `${String(i).padStart(6, '0')}.ldb`), 'utf8')).toBe(
          `table ${i}`,
        );
      for (let r = 0; r <= round; r++)
        expect(
          await readFile(join(copy, db, `${String(100 + r).padStart(6, '0')}.ldb`), 'utf8'),
        ).toBe(`merged ${r}`);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('packs a profile that never linked as an empty archive', async () => {
    const archive = await packProfile(join(dir, 'nothing-here'));
    expect(await unpackProfile(archive, join(dir, 'dst'))).toBe(0);
  });

  it('refuses garbage and paths that escape the profile', async () => {
    await expect(unpackProfile(Buffer.from('plain'), dir)).rejects.toThrow(ProfileArchiveError);
    const path = Buffer.from('Default/IndexedDB/../../../escape.txt');
    const header = Buffer.alloc(16);
    header.writeUInt32BE(path.length, 0);
    header.writeUInt32BE(0o600, 4);
    header.writeBigUInt64BE(1n, 8);
    const evil = gzipSync(
      Buffer.concat([Buffer.from('SBPROFILE1\n'), header, path, Buffer.from('x')]),
    );
    await expect(unpackProfile(evil, join(dir, 'dst'))).rejects.toThrow(/outside/);
    await expect(readFile(join(dir, 'escape.txt'))).rejects.toThrow();
  });
});
