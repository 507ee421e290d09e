export * from './fingerprint.js';
export * from './session-window.js';
export * from './finding.js';
export * from './thresholds.js';
export * from './run-detectors.js';
export { repetitiveLoop } from './rules/repetitive-loop.js';
export { nonexistentResource } from './rules/nonexistent-resource.js';
export { isWaitingCommand } from './rules/polling.js';
