export * from './lib/chat.routes';
