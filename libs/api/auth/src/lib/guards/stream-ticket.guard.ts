import { applyDecorators, CanActivate, ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiQuery } from '@nestjs/swagger';
import { Principal, Public, Role } from '@mph/api-core';
import type { Request } from 'express';
import { StreamPurpose, StreamTicketsService } from '../services/stream-tickets.service';

const STREAM_TICKET_METADATA = 'mph:stream-ticket';

interface StreamTicketRule {
  purpose: StreamPurpose;
  roles?: readonly Role[];
}

/**
 * Opens a stream route with the `?ticket=` issued for its `:id` (Public at the HTTP layer: EventSource cannot send
 * a token). The ticket is checked in a guard, before the handler, so a refusal is an ordinary JSON error answer
 * and never a half-open event stream; the caller it names, as they are now, becomes `req.user`.
 */
export const StreamTicketAuth = (purpose: StreamPurpose, roles?: readonly Role[]) =>
  applyDecorators(
    Public(),
    SetMetadata(STREAM_TICKET_METADATA, { purpose, roles } satisfies StreamTicketRule),
    UseGuards(StreamTicketGuard),
    ApiQuery({ name: 'ticket', required: true, description: 'From the route that issued the stream URL.' }),
  );

@Injectable()
export class StreamTicketGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tickets: StreamTicketsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.get<StreamTicketRule>(STREAM_TICKET_METADATA, context.getHandler());
    const req = context.switchToHttp().getRequest<Request & { user?: Principal }>();
    const ticket = typeof req.query['ticket'] === 'string' ? req.query['ticket'] : '';
    req.user = await this.tickets.open(rule.purpose, String(req.params['id'] ?? ''), ticket, rule.roles);
    return true;
  }
}
