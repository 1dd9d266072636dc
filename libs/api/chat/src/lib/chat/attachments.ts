import { DomainError } from '@mph/api-core';
import { PdfProblem, pdfText, PdfTextError } from './pdf-text';

/** What a message may carry as file context, read as text. */
export const TEXT_TYPES: Record<string, string> = {
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/csv': 'csv',
  'application/json': 'json',
};
export const MAX_FILE_BYTES = 512 * 1024;
/** A PDF may be larger than the text it holds (fonts, images): its own limit on the file, 512 K characters of text. */
export const MAX_PDF_BYTES = 2 * 1024 * 1024;
export const MAX_FILES = 5;
const PDF = 'application/pdf';

export interface Attachment {
  name: string;
  media_type: string;
  text: string;
  bytes: number;
  /** PDFs: pages read. */
  pages?: number;
}

const EXTENSION_TYPES: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
  pdf: PDF,
};

const PDF_ERRORS: Record<PdfProblem, [number, string]> = {
  invalid: [400, 'INVALID_FILE'],
  encrypted: [422, 'PDF_ENCRYPTED'],
  no_text: [422, 'PDF_NO_TEXT'],
  too_large: [413, 'FILE_TOO_LARGE'],
  too_slow: [422, 'PDF_TOO_COMPLEX'],
  unavailable: [501, 'PDF_UNAVAILABLE'],
};

/**
 * Checks files attached to a message and reads them as text: txt, md, csv and json sent as `text` (JSON must parse;
 * 512 KB each), PDFs sent base64-encoded as `data` (2 MB each; their text extracted, 512 K characters at most); five
 * per message. The media type may be given or inferred from the name. Anything else is refused with what to do.
 */
export async function checkAttachments(raw: unknown[] | undefined): Promise<Attachment[]> {
  if (!raw?.length) return [];
  if (raw.length > MAX_FILES) {
    throw DomainError.badRequest('TOO_MANY_FILES', `At most ${MAX_FILES} files per message.`, [
      { field: 'attachments', problems: [`at most ${MAX_FILES}`] },
    ]);
  }
  const files: Attachment[] = [];
  for (const [i, a] of raw.entries()) {
    const f = (a ?? {}) as Record<string, unknown>;
    const name = typeof f['name'] === 'string' ? f['name'].slice(0, 200) : '';
    const extension = name.split('.').pop()?.toLowerCase() ?? '';
    const mediaType =
      (typeof f['media_type'] === 'string' && f['media_type'] ? f['media_type'].split(';')[0].trim() : '') ||
      EXTENSION_TYPES[extension] ||
      '';
    if (mediaType === PDF) {
      files.push(await readPdf(name, f['data'], i));
      continue;
    }
    if (!name || typeof f['text'] !== 'string') {
      throw DomainError.badRequest('VALIDATION_FAILED', `attachments[${i}]: name and text are required.`, [
        { field: `attachments.${i}`, problems: ['name and text are required'] },
      ]);
    }
    if (!TEXT_TYPES[mediaType]) {
      throw new DomainError(
        415,
        'UNSUPPORTED_FILE',
        `"${name}" (${mediaType || 'unknown type'}) cannot be attached: send txt, md, csv, json or pdf files ` +
          '(for other formats, paste the text).',
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
    files.push({ name, media_type: mediaType, text, bytes });
  }
  return files;
}

/** A PDF sent as base64 `data`: checked for size, then its text read by pdf.js in a worker. */
async function readPdf(name: string, data: unknown, i: number): Promise<Attachment> {
  const field = `attachments.${i}`;
  if (!name || typeof data !== 'string' || !data) {
    throw DomainError.badRequest('VALIDATION_FAILED', `attachments[${i}]: a PDF needs its name and base64 data.`, [
      { field, problems: ['name and data (base64) are required for PDFs'] },
    ]);
  }
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > MAX_PDF_BYTES) {
    throw new DomainError(
      413,
      'FILE_TOO_LARGE',
      `"${name}" is ${Math.ceil(bytes.length / 1024)} KB; PDFs are limited to ${MAX_PDF_BYTES / 1024 / 1024} MB.`,
      { field, bytes: bytes.length, limit: MAX_PDF_BYTES },
    );
  }
  try {
    const { text, pages } = await pdfText(bytes, { maxChars: MAX_FILE_BYTES });
    return { name, media_type: PDF, text, bytes: bytes.length, pages };
  } catch (e) {
    if (!(e instanceof PdfTextError)) throw e;
    const [status, code] = PDF_ERRORS[e.problem];
    const hint = e.problem === 'invalid' || e.problem === 'no_text' ? ' Paste the text instead.' : '';
    throw new DomainError(status, code, `"${name}" ${e.message}${hint}`, { field });
  }
}

const EXTENSIONS: Record<string, string> = { ...TEXT_TYPES, [PDF]: 'pdf' };

/** The message the model sees: the text, then each file as a fenced block named after it. */
export function withFiles(content: string, files: Attachment[] | undefined): string {
  if (!files?.length) return content;
  const blocks = files.map(
    (f) => `File: ${f.name} (${EXTENSIONS[f.media_type] ?? f.media_type})\n\`\`\`\n${f.text}\n\`\`\``,
  );
  return `${content}\n\n${blocks.join('\n\n')}`;
}
