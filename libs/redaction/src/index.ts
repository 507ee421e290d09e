export * from './redact.js';
export * from './redact-event.js';
