import type { Guidance } from './wink-client.js';

/**
 * Reads a Server-Sent Events response of `guidance` events and calls `onGuidance` for each,
 * until the stream ends or `signal` aborts.
 */
export async function readGuidanceStream(
  body: ReadableStream<Uint8Array>,
  onGuidance: (g: Guidance) => void,
): Promise<void> {
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = body.getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) !== -1) {
      const frame = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (event === 'guidance' && data) onGuidance(JSON.parse(data) as Guidance);
    }
  }
}
