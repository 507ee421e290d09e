export * from './wink-client.js';
