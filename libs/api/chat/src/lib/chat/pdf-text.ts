import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Why a PDF's text could not be read. */
export type PdfProblem = 'invalid' | 'encrypted' | 'no_text' | 'too_large' | 'too_slow' | 'unavailable';

export class PdfTextError extends Error {
  constructor(
    readonly problem: PdfProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface PdfText {
  text: string;
  pages: number;
}

export interface PdfTextOptions {
  /** Stop when the text grows past this many characters (→ too_large). */
  maxChars: number;
  /** Give up after this long (→ too_slow). */
  timeoutMs?: number;
  maxPages?: number;
}

/**
 * The worker: Mozilla's pdf.js (pdfjs-dist, the maintained reference implementation) reads the document and returns
 * the text of each page, lines kept. It runs in a worker thread so a large or hostile file cannot stall the API's
 * event loop or exhaust its heap (the worker has its own memory cap and is terminated on timeout). pdf.js ships as an
 * ES module only, which a worker imports natively whatever the host's module system.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const pdfjs = await import(workerData.pdfjs);
  const task = pdfjs.getDocument({
    data: new Uint8Array(workerData.data),
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
  });
  const doc = await task.promise;
  if (doc.numPages > workerData.maxPages) return parentPort.postMessage({ problem: 'too_large', pages: doc.numPages });
  const pages = [];
  let chars = 0;
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    const text = content.items.map((it) => (it.str || '') + (it.hasEOL ? '\\n' : '')).join('').trim();
    chars += text.length;
    if (chars > workerData.maxChars) return parentPort.postMessage({ problem: 'too_large', chars });
    pages.push(text);
    page.cleanup();
  }
  await doc.destroy();
  parentPort.postMessage({ pages });
})().catch((e) => parentPort.postMessage({ error: (e && e.name) || 'Error', message: String((e && e.message) || e) }));
`;

let pdfjsUrl: string | null | undefined;

/** Where pdf.js is installed, found from the running program (the built API, the CLI, a test runner) or the cwd. */
function locatePdfjs(): string | null {
  if (pdfjsUrl !== undefined) return pdfjsUrl;
  pdfjsUrl = null;
  for (const base of [process.argv[1], join(process.cwd(), 'index.js')]) {
    if (!base) continue;
    try {
      pdfjsUrl = pathToFileURL(createRequire(base).resolve('pdfjs-dist/legacy/build/pdf.mjs')).href;
      break;
    } catch {
      // try the next place
    }
  }
  return pdfjsUrl;
}

/** At most two extractions at once (each is CPU-bound); the rest wait their turn. */
const MAX_PARALLEL = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_PARALLEL) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

/** The text of a PDF (pages separated by blank lines), or a PdfTextError saying what is wrong with it. */
export function pdfText(data: Buffer, options: PdfTextOptions): Promise<PdfText> {
  const pdfjs = locatePdfjs();
  if (!pdfjs) {
    return Promise.reject(
      new PdfTextError('unavailable', 'PDF support is not installed (pdfjs-dist is missing): run npm install.'),
    );
  }
  if (data.subarray(0, 1024).indexOf('%PDF-') < 0) {
    return Promise.reject(new PdfTextError('invalid', 'is not a PDF (no %PDF- header).'));
  }
  const timeoutMs = options.timeoutMs ?? 20_000;
  const maxPages = options.maxPages ?? 500;
  return slot(
    () =>
      new Promise<PdfText>((resolve, reject) => {
        const worker = new Worker(WORKER, {
          eval: true,
          workerData: { pdfjs, data, maxChars: options.maxChars, maxPages },
          resourceLimits: { maxOldGenerationSizeMb: 256 },
          stdout: true,
          stderr: true,
        });
        let settled = false;
        const settle = (outcome: PdfText | PdfTextError) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          void worker.terminate();
          if (outcome instanceof PdfTextError) reject(outcome);
          else resolve(outcome);
        };
        const timer = setTimeout(
          () => settle(new PdfTextError('too_slow', `took longer than ${timeoutMs / 1000} s to read.`)),
          timeoutMs,
        );
        worker.on('message', (m: { pages?: string[]; problem?: PdfProblem; error?: string; message?: string }) => {
          if (m.pages) {
            const text = m.pages.join('\n\n').trim();
            if (!text) {
              settle(new PdfTextError('no_text', 'has no text layer (a scan or images only); OCR is not supported.'));
            } else settle({ text, pages: m.pages.length });
          } else if (m.problem === 'too_large') {
            settle(
              new PdfTextError(
                'too_large',
                `has more text than the ${Math.round(options.maxChars / 1024)} K characters a file may add.`,
              ),
            );
          } else if (m.error === 'PasswordException') {
            settle(new PdfTextError('encrypted', 'is password-protected: remove the password and attach it again.'));
          } else {
            settle(new PdfTextError('invalid', `is not a readable PDF (${m.message ?? 'unknown error'}).`));
          }
        });
        worker.on('error', (e) =>
          settle(
            new PdfTextError(
              /memory/i.test(String(e)) ? 'too_large' : 'invalid',
              /memory/i.test(String(e)) ? 'needs too much memory to read.' : `could not be read (${e.message}).`,
            ),
          ),
        );
        worker.on('exit', () => settle(new PdfTextError('invalid', 'could not be read (the reader stopped).')));
      }),
  );
}
