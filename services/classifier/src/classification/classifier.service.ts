import { Inject, Injectable, Logger } from '@nestjs/common';
import { TOPICS, type EventRecordV1, type VerdictV1 } from '@wink/contracts';
import { observe } from '@wink/detectors';
import { TypedProducer, type ConsumedMessage } from '@wink/kafka';
import { CLASSIFIER_CONFIG } from '../tokens.js';
import type { ClassifierConfig } from '../config.js';
import { SessionWindows } from './session-windows.js';
import { JudgeScheduler } from './judge-scheduler.js';
import { TenantRules } from './tenant-rules.js';
import { toVerdict } from './verdict.js';
import { WindowHistory } from './window-history.js';

/** Events read back to rebuild a window: enough for the action window and the runs detectors count. */
const HISTORY_EVENTS = 64;

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

  constructor(
    @Inject(CLASSIFIER_CONFIG) private readonly config: ClassifierConfig,
    @Inject(TypedProducer) private readonly producer: TypedProducer,
    @Inject(WindowHistory) private readonly history: WindowHistory,
    @Inject(TenantRules) private readonly rules: TenantRules,
    @Inject(JudgeScheduler) private readonly judge: JudgeScheduler,
  ) {
    this.windows = new SessionWindows(
      config.CLASSIFIER_MAX_SESSIONS,
      config.CLASSIFIER_WINDOW,
      config.CLASSIFIER_MAX_SESSIONS_PER_TENANT,
      tenantOfKey,
    );
  }

  async classify(messages: ConsumedMessage<typeof TOPICS.events>[]): Promise<number> {
    const records = messages.map((m) => m.value);
    await this.rules.prefetch(
      records.map((r) => ({ tenantId: r.tenantId, agentName: r.event.agent.name })),
    );
    await this.rebuildUnknownWindows(records);
    const verdicts: VerdictV1[] = [];
    for (const record of records) {
      const key = sessionKey(record.tenantId, record.event.sessionId);
      const window = this.windows.get(key) ?? this.windows.create(key);
      const options = {
        thresholds: this.rules.thresholdsFor(record.tenantId),
        tools: this.rules.toolsFor(record.tenantId, record.event.agent.name),
      };
      const findings = observe(window, record.event, options);
      for (const finding of findings) verdicts.push(toVerdict(record, window, finding));
      this.judge.observe(record, window, findings, options.thresholds.judgeEverySteps);
    }
    await this.producer.send(
      TOPICS.verdicts,
      verdicts.map((v) => ({ key: v.sessionId, value: v })),
    );
    return verdicts.length;
  }

  /** Windows for sessions this worker has not seen (after a restart or eviction) come from Postgres. */
  private async rebuildUnknownWindows(records: EventRecordV1[]): Promise<void> {
    const firstSeq = new Map<string, { tenantId: string; sessionId: string; seq: number }>();
    for (const { tenantId, event } of records) {
      const key = sessionKey(tenantId, event.sessionId);
      if (this.windows.get(key) || firstSeq.has(key)) continue;
      firstSeq.set(key, { tenantId, sessionId: event.sessionId, seq: event.seq });
    }
    const byTenant = new Map<string, { sessionId: string; beforeSeq: number }[]>();
    for (const { tenantId, sessionId, seq } of firstSeq.values()) {
      this.windows.create(sessionKey(tenantId, sessionId));
      if (seq === 0) continue;
      const list = byTenant.get(tenantId) ?? [];
      list.push({ sessionId, beforeSeq: seq });
      byTenant.set(tenantId, list);
    }
    for (const [tenantId, requests] of byTenant) {
      try {
        const history = await this.history.recent(tenantId, requests, HISTORY_EVENTS);
        for (const [sessionId, events] of history) {
          // Gone already if the batch brought the tenant more new sessions than its share.
          const window = this.windows.get(sessionKey(tenantId, sessionId));
          for (const event of events) window?.push(event);
        }
      } catch (error) {
        // Without history the detectors still see every new step; only patterns spanning the
        // restart can be missed, which is better than stalling the partition on Postgres.
        this.log.warn({
          msg: 'could not rebuild windows from Postgres',
          tenantId,
          error: String(error),
        });
      }
    }
  }
}
