export * from './taxonomy.js';
export * from './trajectory-event.js';
export * from './messages.js';
export * from './topics.js';
export * from './validation.js';
export * from './ids.js';
export * from './settings.js';
