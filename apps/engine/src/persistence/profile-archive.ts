import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzip as gzipCallback } from 'node:zlib';

// Off the event loop: a real WhatsApp Web profile is megabytes, packed for each of dozens of
// sessions while they restore, and a synchronous gzip would stall every client's CDP traffic.
const gzip = promisify(gzipCallback);
const gunzip = promisify(gunzipCallback);

/**
 * Where WhatsApp Web keeps a linked device in a Chromium profile: the web.whatsapp.com origin's
 * IndexedDB and Local Storage. Nothing else is needed to come back without a QR.
 */
export const SESSION_PROFILE_DIRS = ['Default/IndexedDB', 'Default/Local Storage'] as const;

const MAGIC = Buffer.from('SBPROFILE1\n');
/** LevelDB's lock files belong to the Chromium that wrote them. */
const SKIPPED = new Set(['LOCK', 'LOCKFILE']);

export class ProfileArchiveError extends Error {}

/** How often a pack is tried again when Chromium changed the files while they were read. */
const PACK_ATTEMPTS = 5;
const PACK_RETRY_MS = 200;

/**
 * Packs the session directories of a profile into one gzip buffer: per file its relative path,
 * mode and bytes. Missing directories are skipped (a profile that never linked has none).
 * Chromium may be writing meanwhile (LevelDB compaction deletes and creates files): a pack
 * during which a file vanished or the file list changed is a torn copy, and is taken again.
 */
export async function packProfile(
  profileDir: string,
  dirs: readonly string[] = SESSION_PROFILE_DIRS,
): Promise<Buffer> {
  for (let attempt = 1; ; attempt++) {
    const packed = await packOnce(profileDir, dirs);
    if (packed) return packed;
    if (attempt >= PACK_ATTEMPTS)
      throw new ProfileArchiveError(
        `the profile kept changing while it was packed (${PACK_ATTEMPTS} attempts)`,
      );
    await new Promise((resolve) => setTimeout(resolve, PACK_RETRY_MS * attempt));
  }
}

/** One pass; null when the profile changed under it. */
async function packOnce(profileDir: string, dirs: readonly string[]): Promise<Buffer | null> {
  const parts: Buffer[] = [MAGIC];
  const listed: string[] = [];
  for (const dir of dirs) {
    for (const file of await listFiles(join(profileDir, dir))) {
      listed.push(file);
      const path = relative(profileDir, file).split(sep).join('/');
      let data: Buffer;
      let mode: number;
      try {
        [data, { mode }] = await Promise.all([readFile(file), stat(file)]);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
      const pathBytes = Buffer.from(path, 'utf8');
      const header = Buffer.alloc(16);
      header.writeUInt32BE(pathBytes.length, 0);
      header.writeUInt32BE(mode & 0o777, 4);
      header.writeBigUInt64BE(BigInt(data.length), 8);
      parts.push(header, pathBytes, data);
    }
  }
  const after: string[] = [];
  for (const dir of dirs) after.push(...(await listFiles(join(profileDir, dir))));
  if (after.join('\n') !== listed.join('\n')) return null;
  return gzip(Buffer.concat(parts));
}

/**
 * Writes an archive's files under `profileDir`, replacing the session directories it had. Paths
 * that would land outside the profile are refused, so a tampered archive cannot write elsewhere.
 */
export async function unpackProfile(
  archive: Buffer,
  profileDir: string,
  dirs: readonly string[] = SESSION_PROFILE_DIRS,
): Promise<number> {
  let raw: Buffer;
  try {
    raw = await gunzip(archive);
  } catch {
    throw new ProfileArchiveError('auth archive is not a gzip stream');
  }
  if (!raw.subarray(0, MAGIC.length).equals(MAGIC))
    throw new ProfileArchiveError('auth archive has an unknown format');
  const files: Array<{ path: string; mode: number; data: Buffer }> = [];
  let offset = MAGIC.length;
  while (offset < raw.length) {
    if (offset + 16 > raw.length) throw new ProfileArchiveError('auth archive is truncated');
    const pathLength = raw.readUInt32BE(offset);
    const mode = raw.readUInt32BE(offset + 4);
    const size = Number(raw.readBigUInt64BE(offset + 8));
    const pathStart = offset + 16;
    const dataStart = pathStart + pathLength;
    if (dataStart + size > raw.length) throw new ProfileArchiveError('auth archive is truncated');
    const path = raw.subarray(pathStart, dataStart).toString('utf8');
    const target = normalize(join(profileDir, path));
    const inside = dirs.some((dir) => target.startsWith(join(profileDir, dir) + sep));
    if (!inside) throw new ProfileArchiveError(`auth archive names a path outside: ${path}`);
    files.push({ path: target, mode, data: raw.subarray(dataStart, dataStart + size) });
    offset = dataStart + size;
  }
  for (const dir of dirs) await rm(join(profileDir, dir), { recursive: true, force: true });
  for (const file of files) {
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.data, { mode: file.mode || 0o600 });
  }
  return files.length;
}

async function listFiles(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(path)));
    else if (entry.isFile() && !SKIPPED.has(entry.name)) files.push(path);
  }
  return files;
}
