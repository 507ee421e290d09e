import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { decodeRequest, encodeResponse, encodeStatus } from './proto.js';
import { readExport } from './read-export.js';

// Wire types: 0 varint, 1 fixed64, 2 length-delimited.
const tag = (w: protobuf.Writer, field: number, wire: number) => w.uint32((field << 3) | wire);
const bytes = (field: number, value: Uint8Array) => (w: protobuf.Writer) =>
  tag(w, field, 2).bytes(value);
const text = (field: number, value: string) => (w: protobuf.Writer) =>
  tag(w, field, 2).string(value);
const fixed64 = (field: number, value: bigint) => (w: protobuf.Writer) =>
  tag(w, field, 1).fixed64(protobuf.util.LongBits.from(value.toString()).toLong());
const message =
  (field: number, ...parts: Array<(w: protobuf.Writer) => unknown>) =>
  (w: protobuf.Writer) =>
    tag(w, field, 2).bytes(encode(...parts));
function encode(...parts: Array<(w: protobuf.Writer) => unknown>): Uint8Array {
  const w = protobuf.Writer.create();
  for (const part of parts) part(w);
  return w.finish();
}
const keyValue = (field: number, key: string, value: string) =>
  message(field, text(1, key), message(2, text(1, value)));

const TRACE = Buffer.from('5b8efff798038103d269b633813fc60c', 'hex');
const SPAN = Buffer.from('0000000000000012', 'hex');
const START = 1_795_000_000_000_000_000n;

/** An ExportTraceServiceRequest with one execute_tool span, written field by field (opentelemetry-proto numbers). */
const request = encode(
  message(
    1, // resource_spans
    message(1, keyValue(1, 'service.name', 'repo-fixer')), // resource.attributes
    message(
      2, // scope_spans
      message(
        2, // spans
        bytes(1, TRACE),
        bytes(2, SPAN),
        text(5, 'execute_tool bash'),
        fixed64(7, START),
        fixed64(8, START + 2_000_000_000n),
        keyValue(9, 'gen_ai.tool.name', 'bash'),
        keyValue(9, 'gen_ai.conversation.id', 'conv-42'),
        message(15, text(2, 'exit 1'), (w) => tag(w, 3, 0).int32(2)), // status ERROR
      ),
    ),
  ),
);

describe('OTLP protobuf', () => {
  it('decodes an export request into the OTLP/JSON shape the mapping reads', () => {
    const read = readExport('traces', decodeRequest('traces', request));
    assert.ok(read.ok, JSON.stringify(read));
    const [call, result] = read.value.events.map((e) => e.event);
    assert.equal(call.eventId, '5b8efff798038103d269b633813fc60c:0000000000000012:call');
    assert.equal(call.sessionId, 'conv-42');
    assert.equal(call.agent.name, 'repo-fixer');
    assert.equal(call.ts, new Date(Number(START / 1_000_000n)).toISOString());
    assert.deepEqual(result.result, { callId: '0000000000000012', ok: false, error: 'exit 1' });
  });

  it('throws on bytes that are not a request', () => {
    assert.throws(() => decodeRequest('logs', Buffer.from([0x0a, 0xff, 0xff, 0xff])));
  });

  it('writes the partial success a protobuf client reads, and nothing when there is none', () => {
    assert.equal(encodeResponse('traces', null).length, 0);
    const reader = protobuf.Reader.create(
      encodeResponse('logs', { rejected: 3, errorMessage: 'why' }),
    );
    assert.equal(reader.uint32(), (1 << 3) | 2); // partial_success
    const inner = protobuf.Reader.create(reader.bytes());
    assert.equal(inner.uint32(), (1 << 3) | 0); // rejected_log_records
    assert.equal(Number(inner.int64()), 3);
    assert.equal(inner.uint32(), (2 << 3) | 2); // error_message
    assert.equal(inner.string(), 'why');
    const status = protobuf.Reader.create(encodeStatus(3, 'bad'));
    assert.equal(status.uint32(), (1 << 3) | 0);
    assert.equal(status.int32(), 3);
    assert.equal(status.uint32(), (2 << 3) | 2);
    assert.equal(status.string(), 'bad');
  });
});
