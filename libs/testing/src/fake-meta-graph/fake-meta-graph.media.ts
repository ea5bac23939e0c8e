/**
 * Meta's "Supported media types" table: which MIME types each media message type accepts and
 * the largest file it takes. Stickers are checked against the animated limit (500 KB).
 */

export type FakeMetaMediaType = 'audio' | 'document' | 'image' | 'sticker' | 'video';

export const MEDIA_TYPES: readonly FakeMetaMediaType[] = [
  'audio',
  'document',
  'image',
  'sticker',
  'video',
];

const MB = 1024 * 1024;

export const MEDIA_LIMITS: Record<FakeMetaMediaType, { mimeTypes: string[]; maxBytes: number }> = {
  audio: {
    mimeTypes: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
    maxBytes: 16 * MB,
  },
  document: {
    mimeTypes: [
      'text/plain',
      'application/pdf',
      'application/vnd.ms-powerpoint',
      'application/msword',
      'application/vnd.ms-excel',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ],
    maxBytes: 100 * MB,
  },
  image: { mimeTypes: ['image/jpeg', 'image/png'], maxBytes: 5 * MB },
  sticker: { mimeTypes: ['image/webp'], maxBytes: 500 * 1024 },
  video: { mimeTypes: ['video/mp4', 'video/3gpp'], maxBytes: 16 * MB },
};

export const SUPPORTED_MIME_TYPES: string[] = [
  ...new Set(MEDIA_TYPES.flatMap((type) => MEDIA_LIMITS[type].mimeTypes)),
];

/** The media message types a MIME type may be sent as (image/webp only as a sticker). */
export function mediaTypesFor(mimeType: string): FakeMetaMediaType[] {
  const base = baseMimeType(mimeType);
  return MEDIA_TYPES.filter((type) => MEDIA_LIMITS[type].mimeTypes.includes(base));
}

/** `audio/ogg; codecs=opus` → `audio/ogg`. */
export function baseMimeType(mimeType: string): string {
  return mimeType.split(';')[0]!.trim().toLowerCase();
}

/** Largest size any message type accepts for this MIME type. */
export function maxBytesFor(mimeType: string): number {
  return Math.max(0, ...mediaTypesFor(mimeType).map((type) => MEDIA_LIMITS[type].maxBytes));
}
