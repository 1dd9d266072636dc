export * from './lib/chat.module';
