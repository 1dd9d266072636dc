/** The error codes the API answers with; domain libs add their own (e.g. `MODEL_NOT_FOUND`). */
export type ErrorCode = string;

/**
 * An error with a stable code, a message for people and optional details for programs.
 * The global filter turns it into `{ "error": { code, message, details } }` with `status`.
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static notFound(code: ErrorCode, message: string, details?: unknown): DomainError {
    return new DomainError(404, code, message, details);
  }

  static conflict(code: ErrorCode, message: string, details?: unknown): DomainError {
    return new DomainError(409, code, message, details);
  }

  static badRequest(code: ErrorCode, message: string, details?: unknown): DomainError {
    return new DomainError(400, code, message, details);
  }

  static forbidden(code: ErrorCode, message: string, details?: unknown): DomainError {
    return new DomainError(403, code, message, details);
  }

  static unprocessable(code: ErrorCode, message: string, details?: unknown): DomainError {
    return new DomainError(422, code, message, details);
  }
}

/** The JSON body of every error response. */
export interface ErrorEnvelope {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** Default code per HTTP status, used when an error carries none of its own. */
export const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE_ENTITY',
  429: 'RATE_LIMITED',
  500: 'INTERNAL_ERROR',
  502: 'BAD_GATEWAY',
  503: 'SERVICE_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

export function envelope(code: ErrorCode, message: string, details?: unknown): ErrorEnvelope {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
