export * from './simulated-agent.js';
export * from './scripts.js';
export { seededRandom } from './random.js';
