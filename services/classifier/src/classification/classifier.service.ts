import { Inject, Injectable, Logger } from '@nestjs/common';
import { encodeMessage, TOPICS } from '@wink/contracts';
import { observe, type DetectorThresholds, type ToolSchemas } from '@wink/detectors';
import { TypedProducer, type ConsumedMessage, type Poisoned } from '@wink/kafka';
import { mergedWrites, type Coalescer } from '@wink/platform';
import { CLASSIFIER_CONFIG } from '../tokens.js';
import type { ClassifierConfig } from '../config.js';
import { SessionWindows } from './session-windows.js';
import { JudgeScheduler } from './judge-scheduler.js';
import { TenantRules } from './tenant-rules.js';
import { toVerdict } from './verdict.js';
import { WindowHistory } from './window-history.js';
import { RecorderProgress } from './recorder-progress.js';
import { windowsEvicted, windowsHeld, windowsRebuilt } from './classifier.metrics.js';

/** Events read back to rebuild a window: enough for the action window and the runs detectors count. */
const HISTORY_EVENTS = 64;

type EncodedVerdict = { key: string; value: Buffer };

/**
 * What this worker has fed its windows from one partition: the offset after the last event fed,
 * the last offset the consumer read, and what the fed events of the batches not yet read past
 * gave (their verdicts, and the failure of each event the detectors threw on), for the consumer
 * handing a batch again before it commits it.
 */
interface PartitionFeed {
  next: number;
  readThrough: number;
  verdicts: Map<number, EncodedVerdict[]>;
  failures: Map<number, unknown>;
}

const sessionKey = (tenantId: string, sessionId: string) => `${tenantId}\u0000${sessionId}`;
const tenantOfKey = (key: string) => key.slice(0, key.indexOf('\u0000'));

/**
 * Runs the detectors over each session's window as its events arrive and publishes verdicts.
 * Verdict ids are deterministic, so reprocessing after a restart yields the same verdicts.
 */
@Injectable()
export class ClassifierService {
  private readonly log = new Logger(ClassifierService.name);
  private readonly windows: SessionWindows;
  /**
   * The verdicts of the partition batches of one fetch go in one produce: sent one by one they
   * queued behind each other on the producer's one request in flight, and the next fetch waited
   * for the last, so a burst of verdicts delayed every partition.
   */
  private readonly verdicts: Coalescer<EncodedVerdict>;
  private readonly feeds = new Map<number, PartitionFeed>();

  constructor(
    @Inject(CLASSIFIER_CONFIG) private readonly config: ClassifierConfig,
    @Inject(TypedProducer) producer: TypedProducer,
    @Inject(WindowHistory) private readonly history: WindowHistory,
    @Inject(TenantRules) private readonly rules: TenantRules,
    @Inject(JudgeScheduler) private readonly judge: JudgeScheduler,
    @Inject(RecorderProgress) private readonly recorder: RecorderProgress,
  ) {
    this.windows = new SessionWindows(
      config.CLASSIFIER_MAX_SESSIONS,
      config.CLASSIFIER_WINDOW,
      config.CLASSIFIER_MAX_SESSIONS_PER_TENANT,
      tenantOfKey,
      (reason) => windowsEvicted.inc({ reason }),
    );
    this.verdicts = mergedWrites((verdicts) => producer.sendRaw(TOPICS.verdicts, verdicts));
  }

  /**
   * Classifies one partition's batch and publishes its verdicts in one produce (shared with the
   * other batches of its fetch); resolves once they are acknowledged. An event the
   * detectors throw on, or whose verdict breaks the verdict contract, is returned to be set aside
   * rather than failing the batch.
   *
   * A batch handed again before it was committed (its produce or its setting aside failed) is
   * not fed to the windows twice, which would make every session look as if it repeated its
   * steps: its events already fed are skipped, and their verdicts and failures given again from
   * what was kept. A batch that starts past the last offset the consumer read from the partition
   * means another worker held the partition meanwhile: its windows lack those events, so they are
   * dropped and rebuilt from Postgres.
   */
  async classify(
    messages: ConsumedMessage<typeof TOPICS.events>[],
  ): Promise<Poisoned<ConsumedMessage<typeof TOPICS.events>>[]> {
    const records = messages.map((m) => m.value);
    const keys = records.map((r) => sessionKey(r.tenantId, r.event.sessionId));
    const feed = this.feedFrom(messages[0].partition, messages[0].read);
    const sessions = new Set(keys);
    this.windows.pin(sessions);
    try {
      await this.rules.prefetch(
        records.map((r) => ({ tenantId: r.tenantId, agentName: r.event.agent.name })),
      );
      const rebuilt = await this.rebuildUnknownWindows(messages, keys);
      return await this.classifyInOrder(messages, keys, feed, rebuilt);
    } finally {
      this.windows.unpin(sessions);
      windowsHeld.set(this.windows.size);
    }
  }

  private feedFrom(partition: number, read: { first: string; last: string }): PartitionFeed {
    const first = Number(read.first);
    const last = Number(read.last);
    const feed = this.feeds.get(partition);
    if (feed && first <= feed.readThrough + 1) {
      // The consumer handed the batches before this one for good: it commits no earlier.
      for (const kept of [feed.verdicts, feed.failures])
        for (const offset of kept.keys()) if (offset < first) kept.delete(offset);
      feed.readThrough = Math.max(feed.readThrough, last);
      return feed;
    }
    if (feed) this.windows.evictPartition(partition);
    const fresh = { next: first, readThrough: last, verdicts: new Map(), failures: new Map() };
    this.feeds.set(partition, fresh);
    return fresh;
  }

  private async classifyInOrder(
    messages: ConsumedMessage<typeof TOPICS.events>[],
    keys: string[],
    feed: PartitionFeed,
    rebuilt: Set<string>,
  ): Promise<Poisoned<ConsumedMessage<typeof TOPICS.events>>[]> {
    const verdicts: EncodedVerdict[] = [];
    const poisoned: Poisoned<ConsumedMessage<typeof TOPICS.events>>[] = [];
    // A batch's events are mostly of one tenant's agent: its rules are looked up once per run.
    let rules = null as {
      tenantId: string;
      agentName: string;
      options: { thresholds: DetectorThresholds; tools?: ToolSchemas };
    } | null;
    for (const [i, message] of messages.entries()) {
      const offset = Number(message.offset);
      // Fed before, unless its window was lost since and rebuilt from what precedes the batch.
      if (offset < feed.next && !rebuilt.has(keys[i])) {
        verdicts.push(...(feed.verdicts.get(offset) ?? []));
        if (feed.failures.has(offset))
          poisoned.push({ message, error: feed.failures.get(offset), attempts: 1 });
        continue;
      }
      feed.next = Math.max(feed.next, offset + 1);
      try {
        const record = message.value;
        const window = this.windows.get(keys[i]) ?? this.windows.create(keys[i], message.partition);
        const { tenantId } = record;
        const agentName = record.event.agent.name;
        if (rules?.tenantId !== tenantId || rules.agentName !== agentName) {
          const thresholds = this.rules.thresholdsFor(tenantId);
          const tools = this.rules.toolsFor(tenantId, agentName);
          rules = { tenantId, agentName, options: { thresholds, tools } };
        }
        const findings = observe(window, record.event, rules.options);
        const encoded = findings.map((finding) => {
          const verdict = toVerdict(record, window, finding);
          return { key: verdict.sessionId, value: encodeMessage(TOPICS.verdicts, verdict) };
        });
        verdicts.push(...encoded);
        if (encoded.length > 0) feed.verdicts.set(offset, encoded);
        this.judge.observe(record, window, findings, rules.options.thresholds.judgeEverySteps);
      } catch (error) {
        feed.failures.set(offset, error);
        poisoned.push({ message, error, attempts: 1 });
      }
    }
    if (verdicts.length > 0) await this.verdicts.submit(verdicts);
    return poisoned;
  }

  /**
   * Windows for sessions this worker has not seen (a partition taken over, a restart, an eviction)
   * come from Postgres, once the recorder has written every event of the partition before them.
   * Resolves with the sessions whose windows it made.
   */
  private async rebuildUnknownWindows(
    messages: ConsumedMessage<typeof TOPICS.events>[],
    keys: string[],
  ): Promise<Set<string>> {
    const firstSeq = new Map<string, { tenantId: string; sessionId: string; seq: number }>();
    let firstUnknown: ConsumedMessage | null = null;
    for (const [i, message] of messages.entries()) {
      const { tenantId, event } = message.value;
      const key = keys[i];
      if (this.windows.has(key) || firstSeq.has(key)) continue;
      firstSeq.set(key, { tenantId, sessionId: event.sessionId, seq: event.seq });
      if (event.seq > 0) firstUnknown ??= message;
    }
    const recorded = firstUnknown
      ? await this.recorder.waitForRecorded(firstUnknown.partition, firstUnknown.offset)
      : true;
    const byTenant = new Map<string, { sessionId: string; beforeSeq: number }[]>();
    for (const [key, { tenantId, sessionId, seq }] of firstSeq) {
      const window = this.windows.create(key, messages[0].partition);
      if (seq === 0) continue;
      // Cleared below for each session whose whole record came back.
      window.partial = true;
      const list = byTenant.get(tenantId) ?? [];
      list.push({ sessionId, beforeSeq: seq });
      byTenant.set(tenantId, list);
    }
    for (const [tenantId, requests] of byTenant) {
      let counted = 0;
      try {
        const history = await this.history.recent(tenantId, requests, HISTORY_EVENTS);
        for (const { sessionId } of requests) {
          const window = this.windows.get(sessionKey(tenantId, sessionId))!;
          const events = history.get(sessionId) ?? [];
          for (const event of events) window.push(event);
          window.partial = !recorded || events.length >= HISTORY_EVENTS;
          windowsRebuilt.inc({ outcome: window.partial ? 'partial' : 'whole' });
          counted++;
        }
      } catch (error) {
        windowsRebuilt.inc({ outcome: 'failed' }, requests.length - counted);
        // Without history the detectors still see every new step; only patterns spanning the
        // restart can be missed, which is better than stalling the partition on Postgres.
        this.log.warn({
          msg: 'could not rebuild windows from Postgres',
          tenantId,
          error: String(error),
        });
      }
    }
    return new Set(firstSeq.keys());
  }
}
