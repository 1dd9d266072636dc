import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  HttpException,
  NotFoundException,
  PayloadTooLargeException,
  ServiceUnavailableException,
  UnauthorizedException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { DomainError } from './domain-error';
import { mapError } from './error-mapping';

describe('mapError', () => {
  it.each([
    [new BadRequestException('bad'), 400, 'BAD_REQUEST', 'bad'],
    [new UnauthorizedException(), 401, 'UNAUTHORIZED', 'Unauthorized'],
    [new ForbiddenException(), 403, 'FORBIDDEN', 'Forbidden'],
    [new NotFoundException('Cannot GET /x'), 404, 'NOT_FOUND', 'Cannot GET /x'],
    [new ConflictException('dup'), 409, 'CONFLICT', 'dup'],
    [new PayloadTooLargeException(), 413, 'PAYLOAD_TOO_LARGE', 'Payload Too Large'],
    [new UnprocessableEntityException('nope'), 422, 'UNPROCESSABLE_ENTITY', 'nope'],
    [new HttpException('slow down', 429), 429, 'RATE_LIMITED', 'slow down'],
  ])('maps %s to %i %s', (error, status, code, message) => {
    const m = mapError(error);
    expect(m.status).toBe(status);
    expect(m.body).toEqual({ error: { code, message } });
    expect(m.unexpected).toBe(false);
  });

  it('keeps a domain error code, message and details', () => {
    const m = mapError(DomainError.conflict('PRICE_LOCKED', 'Prices of this offering are locked.', { offering: 'x' }));
    expect(m).toEqual({
      status: 409,
      body: {
        error: { code: 'PRICE_LOCKED', message: 'Prices of this offering are locked.', details: { offering: 'x' } },
      },
      unexpected: false,
    });
    expect(mapError(DomainError.notFound('MODEL_NOT_FOUND', 'm')).status).toBe(404);
    expect(mapError(DomainError.badRequest('B', 'b')).status).toBe(400);
    expect(mapError(DomainError.unprocessable('U', 'u')).status).toBe(422);
  });

  it('joins class-validator style message arrays', () => {
    expect(mapError(new BadRequestException(['a must be set', 'b must be a number'])).body.error.message).toBe(
      'a must be set; b must be a number',
    );
  });

  it('hides everything about unexpected errors', () => {
    const m = mapError(new TypeError("Cannot read properties of undefined (reading 'x')"));
    expect(m.status).toBe(500);
    expect(m.unexpected).toBe(true);
    expect(JSON.stringify(m.body)).not.toContain('undefined');
    expect(m.body.error.code).toBe('INTERNAL_ERROR');
  });

  it('answers 503 when the database cannot be reached', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(mapError(refused).status).toBe(503);
    const terminated = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('terminating connection'), { code: '57P01' }),
    );
    expect(mapError(terminated)).toMatchObject({ status: 503, body: { error: { code: 'SERVICE_UNAVAILABLE' } } });
    const timeout = new QueryFailedError(
      'SELECT 1',
      [],
      Object.assign(new Error('canceling statement'), { code: '57014' }),
    );
    expect(mapError(timeout).status).toBe(503);
  });

  it('does not treat other SQL errors as unavailability', () => {
    const unique = new QueryFailedError('INSERT', [], Object.assign(new Error('duplicate key'), { code: '23505' }));
    expect(mapError(unique)).toMatchObject({ status: 500, unexpected: true });
  });

  it('answers 400 for data the database refuses (NUL in text, malformed values, a missing value), hiding the SQL', () => {
    const sqlError = (code: string, message: string) =>
      new QueryFailedError('INSERT INTO secret_table', [], Object.assign(new Error(message), { code }));
    const nul = mapError(sqlError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'));
    expect(nul).toMatchObject({ status: 400, body: { error: { code: 'INVALID_TEXT' } }, unexpected: true });
    expect(nul.body.error.message).toContain('NUL');
    for (const code of ['22P02', '22003', '22008', '23502', '23514']) {
      const m = mapError(sqlError(code, 'detail from the database'));
      expect(m).toMatchObject({ status: 400, body: { error: { code: 'INVALID_VALUE' } } });
      expect(JSON.stringify(m.body)).not.toMatch(/secret_table|detail from the database/);
    }
  });

  it('maps the JSON body guard', () => {
    const deep = Object.assign(new Error('Request body nests deeper than 64 levels of arrays and objects.'), {
      type: 'entity.too.deep',
      status: 400,
      code: 'JSON_TOO_DEEP',
    });
    expect(mapError(deep)).toEqual({
      status: 400,
      body: { error: { code: 'JSON_TOO_DEEP', message: deep.message } },
      unexpected: false,
    });
  });

  it('maps body-parser errors', () => {
    expect(mapError({ type: 'entity.too.large', status: 413, limit: 10 })).toMatchObject({
      status: 413,
      body: { error: { code: 'PAYLOAD_TOO_LARGE', details: { limit_bytes: 10 } } },
    });
    expect(mapError({ type: 'entity.parse.failed', status: 400 })).toMatchObject({
      status: 400,
      body: { error: { code: 'INVALID_JSON' } },
    });
    expect(mapError({ type: 'charset.unsupported', status: 415 })).toMatchObject({
      status: 415,
      body: { error: { code: 'UNSUPPORTED_MEDIA_TYPE' } },
    });
  });

  it('maps a failed readiness check to NOT_READY with its details', () => {
    const e = new ServiceUnavailableException({
      status: 'error',
      info: {},
      error: { database: { status: 'down' } },
      details: { database: { status: 'down' } },
    });
    expect(mapError(e)).toEqual({
      status: 503,
      body: {
        error: {
          code: 'NOT_READY',
          message: 'Not ready: database unavailable.',
          details: { database: { status: 'down' } },
        },
      },
      unexpected: false,
    });
  });
});
