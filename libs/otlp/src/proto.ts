import protobuf from 'protobufjs';

/*
 * The parts of the OTLP protobuf schema (opentelemetry-proto: common, resource, trace, logs and
 * the collector services' requests and responses) that an OTLP/HTTP receiver of traces and logs
 * reads and writes, with the upstream field numbers. Message names are flattened into one
 * namespace; the wire format depends only on field numbers and types. Fields that hold
 * nothing Wink reads (links, flags, dropped counts) are left out: protobuf skips unknown fields.
 */
const kv = { type: 'KeyValue', id: 0, rule: 'repeated' } as const;
const descriptor = {
  nested: {
    otlp: {
      nested: {
        AnyValue: {
          oneofs: {
            value: {
              oneof: [
                'stringValue',
                'boolValue',
                'intValue',
                'doubleValue',
                'arrayValue',
                'kvlistValue',
                'bytesValue',
              ],
            },
          },
          fields: {
            stringValue: { type: 'string', id: 1 },
            boolValue: { type: 'bool', id: 2 },
            intValue: { type: 'int64', id: 3 },
            doubleValue: { type: 'double', id: 4 },
            arrayValue: { type: 'ArrayValue', id: 5 },
            kvlistValue: { type: 'KeyValueList', id: 6 },
            bytesValue: { type: 'bytes', id: 7 },
          },
        },
        ArrayValue: { fields: { values: { rule: 'repeated', type: 'AnyValue', id: 1 } } },
        KeyValueList: { fields: { values: { ...kv, id: 1 } } },
        KeyValue: {
          fields: { key: { type: 'string', id: 1 }, value: { type: 'AnyValue', id: 2 } },
        },
        InstrumentationScope: {
          fields: {
            name: { type: 'string', id: 1 },
            version: { type: 'string', id: 2 },
            attributes: { ...kv, id: 3 },
          },
        },
        Resource: { fields: { attributes: { ...kv, id: 1 } } },
        ResourceSpans: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeSpans: { rule: 'repeated', type: 'ScopeSpans', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ScopeSpans: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            spans: { rule: 'repeated', type: 'Span', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        Span: {
          fields: {
            traceId: { type: 'bytes', id: 1 },
            spanId: { type: 'bytes', id: 2 },
            parentSpanId: { type: 'bytes', id: 4 },
            name: { type: 'string', id: 5 },
            kind: { type: 'int32', id: 6 },
            startTimeUnixNano: { type: 'fixed64', id: 7 },
            endTimeUnixNano: { type: 'fixed64', id: 8 },
            attributes: { ...kv, id: 9 },
            events: { rule: 'repeated', type: 'SpanEvent', id: 11 },
            status: { type: 'Status', id: 15 },
          },
        },
        SpanEvent: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            name: { type: 'string', id: 2 },
            attributes: { ...kv, id: 3 },
          },
        },
        Status: { fields: { message: { type: 'string', id: 2 }, code: { type: 'int32', id: 3 } } },
        ResourceLogs: {
          fields: {
            resource: { type: 'Resource', id: 1 },
            scopeLogs: { rule: 'repeated', type: 'ScopeLogs', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        ScopeLogs: {
          fields: {
            scope: { type: 'InstrumentationScope', id: 1 },
            logRecords: { rule: 'repeated', type: 'LogRecord', id: 2 },
            schemaUrl: { type: 'string', id: 3 },
          },
        },
        LogRecord: {
          fields: {
            timeUnixNano: { type: 'fixed64', id: 1 },
            severityNumber: { type: 'int32', id: 2 },
            severityText: { type: 'string', id: 3 },
            body: { type: 'AnyValue', id: 5 },
            attributes: { ...kv, id: 6 },
            traceId: { type: 'bytes', id: 9 },
            spanId: { type: 'bytes', id: 10 },
            observedTimeUnixNano: { type: 'fixed64', id: 11 },
            eventName: { type: 'string', id: 12 },
          },
        },
        ExportTraceServiceRequest: {
          fields: { resourceSpans: { rule: 'repeated', type: 'ResourceSpans', id: 1 } },
        },
        ExportTraceServiceResponse: {
          fields: { partialSuccess: { type: 'ExportTracePartialSuccess', id: 1 } },
        },
        ExportTracePartialSuccess: {
          fields: {
            rejectedSpans: { type: 'int64', id: 1 },
            errorMessage: { type: 'string', id: 2 },
          },
        },
        ExportLogsServiceRequest: {
          fields: { resourceLogs: { rule: 'repeated', type: 'ResourceLogs', id: 1 } },
        },
        ExportLogsServiceResponse: {
          fields: { partialSuccess: { type: 'ExportLogsPartialSuccess', id: 1 } },
        },
        ExportLogsPartialSuccess: {
          fields: {
            rejectedLogRecords: { type: 'int64', id: 1 },
            errorMessage: { type: 'string', id: 2 },
          },
        },
        /** google.rpc.Status, the body of an OTLP/HTTP error response. */
        RpcStatus: {
          fields: {
            code: { type: 'int32', id: 1 },
            message: { type: 'string', id: 2 },
          },
        },
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
const type = (name: string) => root.lookupType(`otlp.${name}`);
const TraceRequest = type('ExportTraceServiceRequest');
const LogsRequest = type('ExportLogsServiceRequest');
const TraceResponse = type('ExportTraceServiceResponse');
const LogsResponse = type('ExportLogsServiceResponse');
const RpcStatus = type('RpcStatus');

// Ids and bytes stay Uint8Array (the request schema turns ids into hex); 64-bit integers become
// decimal strings, as in OTLP/JSON; unset fields are left out.
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number, defaults: false };

export type Signal = 'traces' | 'logs';

/** Decodes an OTLP/HTTP protobuf request body into the OTLP/JSON object shape; throws if malformed. */
export function decodeRequest(signal: Signal, body: Uint8Array): unknown {
  const message = signal === 'traces' ? TraceRequest : LogsRequest;
  return message.toObject(message.decode(body), TO_OBJECT);
}

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/** The Export*ServiceResponse for a signal, in protobuf; the partial success only when it says something. */
export function encodeResponse(signal: Signal, partial: PartialSuccess | null): Uint8Array {
  const message = signal === 'traces' ? TraceResponse : LogsResponse;
  const count = signal === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords';
  const body = partial
    ? { partialSuccess: { [count]: partial.rejected, errorMessage: partial.errorMessage } }
    : {};
  return message.encode(message.fromObject(body)).finish();
}

/** A google.rpc.Status in protobuf, for error responses to protobuf requests. */
export function encodeStatus(code: number, message: string): Uint8Array {
  return RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish();
}
