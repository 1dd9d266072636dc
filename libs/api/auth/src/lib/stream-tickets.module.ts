import { Module } from '@nestjs/common';
import { StreamTicketGuard } from './guards/stream-ticket.guard';
import { StreamTicketsService } from './services/stream-tickets.service';

/** Tickets for event streams, for the domain modules that serve one (without pulling in auth's controllers). */
@Module({
  providers: [StreamTicketsService, StreamTicketGuard],
  exports: [StreamTicketsService, StreamTicketGuard],
})
export class StreamTicketsModule {}
