import { DomainError } from '@mph/api-core';

/** What a message may carry as file context, read as text. */
export const TEXT_TYPES: Record<string, string> = {
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/csv': 'csv',
  'application/json': 'json',
};
export const MAX_FILE_BYTES = 512 * 1024;
export const MAX_FILES = 5;

export interface Attachment {
  name: string;
  media_type: string;
  text: string;
  bytes: number;
}

const EXTENSION_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
};

/**
 * Checks files attached to a message: text formats only (txt, md, csv, json; JSON must parse), each at most 512 KB,
 * five per message. The media type may be given or inferred from the name. Anything else is refused with what to do.
 */
export function checkAttachments(raw: unknown[] | undefined): Attachment[] {
  if (!raw?.length) return [];
  if (raw.length > MAX_FILES) {
    throw DomainError.badRequest('TOO_MANY_FILES', `At most ${MAX_FILES} files per message.`, [
      { field: 'attachments', problems: [`at most ${MAX_FILES}`] },
    ]);
  }
  return raw.map((a, i) => {
    const f = (a ?? {}) as Record<string, unknown>;
    const name = typeof f['name'] === 'string' ? f['name'].slice(0, 200) : '';
    const extension = name.split('.').pop()?.toLowerCase() ?? '';
    const mediaType =
      (typeof f['media_type'] === 'string' && f['media_type'] ? f['media_type'].split(';')[0].trim() : '') ||
      EXTENSION_TYPES[extension] ||
      '';
    if (!name || typeof f['text'] !== 'string') {
      throw DomainError.badRequest('VALIDATION_FAILED', `attachments[${i}]: name and text are required.`, [
        { field: `attachments.${i}`, problems: ['name and text are required'] },
      ]);
    }
    if (!TEXT_TYPES[mediaType]) {
      throw new DomainError(
        415,
        'UNSUPPORTED_FILE',
        `"${name}" (${mediaType || 'unknown type'}) cannot be attached: send txt, md, csv or json files. ` +
          'PDF text extraction is not available yet; paste the text instead.',
        { field: `attachments.${i}`, media_type: mediaType || null },
      );
    }
    const text = f['text'] as string;
    const bytes = Buffer.byteLength(text);
    if (bytes > MAX_FILE_BYTES) {
      throw new DomainError(
        413,
        'FILE_TOO_LARGE',
        `"${name}" is ${Math.ceil(bytes / 1024)} KB; files are limited to ${MAX_FILE_BYTES / 1024} KB each.`,
        { field: `attachments.${i}`, bytes, limit: MAX_FILE_BYTES },
      );
    }
    if (mediaType === 'application/json') {
      try {
        JSON.parse(text);
      } catch {
        throw DomainError.badRequest('INVALID_FILE', `"${name}" is not valid JSON.`, [
          { field: `attachments.${i}`, problems: ['not valid JSON'] },
        ]);
      }
    }
    return { name, media_type: mediaType, text, bytes };
  });
}

/** The message the model sees: the text, then each file as a fenced block named after it. */
export function withFiles(content: string, files: Attachment[] | undefined): string {
  if (!files?.length) return content;
  const blocks = files.map(
    (f) => `File: ${f.name} (${TEXT_TYPES[f.media_type] ?? f.media_type})\n\`\`\`\n${f.text}\n\`\`\``,
  );
  return `${content}\n\n${blocks.join('\n\n')}`;
}
