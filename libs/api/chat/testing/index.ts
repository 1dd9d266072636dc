export * from './fake-upstream';
export * from './chat-test-app';
export * from './pdf';
