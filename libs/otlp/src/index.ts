export {
  decodeRequest,
  encodeResponse,
  encodeStatus,
  type PartialSuccess,
  type Signal,
} from './proto.js';
export {
  parseLogsRequest,
  parseTraceRequest,
  type LogsRequest,
  type TraceRequest,
} from './request.js';
export {
  tracesToEvents,
  tracesWithoutConversation,
  type ConversationMemory,
} from './gen-ai-spans.js';
export { logsToEvents } from './agent-logs.js';
export { seqFromNanos, type OtlpMapping } from './mapping.js';
export { readExport, partialSuccessOf } from './read-export.js';
