export * from './prompts.js';
export * from './transcript.js';
export * from './llm-judge.js';
export * from './judge-runner.js';
