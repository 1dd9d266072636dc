import { Module } from '@nestjs/common';

/** Owns the auth tables, services and routes; filled in by its own issue. */
@Module({})
export class AuthModule {}
