export * from './import-trajectories.js';
export { EventWriter, looksFailed, parseArguments } from './event-writer.js';
