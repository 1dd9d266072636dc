import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { envelope } from '../errors/domain-error';

/** Node's parser error codes and what they mean for the caller. */
function describe(code: string | undefined): { status: number; code: string; message: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        code: 'REQUEST_HEADERS_TOO_LARGE',
        message:
          'The request line and headers are larger than the server accepts (16 KB in all). Send long inputs in a JSON body.',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'The request was not received in time.' };
    default:
      return { status: 400, code: 'BAD_REQUEST', message: 'The request is not valid HTTP/1.1.' };
  }
}

/**
 * Requests Node's HTTP parser refuses never reach Express: without a listener Node answers them with a bare status
 * line. This answers them in the error envelope instead (and closes the connection, as Node does).
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, code, message } = describe(err.code);
    const body = JSON.stringify(envelope(code, message));
    socket.end(
      `HTTP/1.1 ${status} ${statusText(status)}\r\n` +
        'Content-Type: application/json; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'X-Content-Type-Options: nosniff\r\n' +
        'Connection: close\r\n\r\n' +
        body,
    );
  });
}

const statusText = (status: number) =>
  ({ 400: 'Bad Request', 408: 'Request Timeout', 431: 'Request Header Fields Too Large' })[status] ?? 'Bad Request';
