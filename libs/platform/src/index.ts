export * from './config.js';
export * from './json-logger.js';
export * from './database.module.js';
export * from './kafka.module.js';
export * from './api-key.guard.js';
export * from './health.js';
export * from './bootstrap.js';
export * from './parse-or-400.js';
