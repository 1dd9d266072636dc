import { Module } from '@nestjs/common';

/** Owns the chat tables, services and routes; filled in by its own issue. */
@Module({})
export class ChatModule {}
