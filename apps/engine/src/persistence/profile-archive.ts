import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

/**
 * Where WhatsApp Web keeps a linked device in a Chromium profile: the web.whatsapp.com origin's
 * IndexedDB and Local Storage. Nothing else is needed to come back without a QR.
 */
export const SESSION_PROFILE_DIRS = ['Default/IndexedDB', 'Default/Local Storage'] as const;

const MAGIC = Buffer.from('SBPROFILE1\n');
/** LevelDB's lock files belong to the Chromium that wrote them. */
const SKIPPED = new Set(['LOCK', 'LOCKFILE']);

export class ProfileArchiveError extends Error {}

/**
 * Packs the session directories of a profile into one gzip buffer: per file its relative path,
 * mode and bytes. Missing directories are skipped (a profile that never linked has none).
 */
export async function packProfile(
  profileDir: string,
  dirs: readonly string[] = SESSION_PROFILE_DIRS,
): Promise<Buffer> {
  const parts: Buffer[] = [MAGIC];
  for (const dir of dirs) {
    for (const file of await listFiles(join(profileDir, dir))) {
      const path = relative(profileDir, file).split(sep).join('/');
      const [data, info] = await Promise.all([readFile(file), stat(file)]);
      const pathBytes = Buffer.from(path, 'utf8');
      const header = Buffer.alloc(16);
      header.writeUInt32BE(pathBytes.length, 0);
      header.writeUInt32BE(info.mode & 0o777, 4);
      header.writeBigUInt64BE(BigInt(data.length), 8);
      parts.push(header, pathBytes, data);
    }
  }
  return gzipSync(Buffer.concat(parts));
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
    raw = gunzipSync(archive);
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
