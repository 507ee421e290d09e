export * from './wink-client.js';
export * from './step-recorder.js';
export * from './agent-session.js';
export * from './webhook-signature.js';
export { readGuidanceStream } from './guidance-stream.js';
export {
  runAgentLoop,
  type ChatMessage,
  type AgentLoopOptions,
} from './examples/openai-tools-agent.js';
