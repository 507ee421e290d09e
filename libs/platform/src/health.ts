import {
  Controller,
  Get,
  Inject,
  Res,
  Module,
  type DynamicModule,
  type Provider,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Kafka, Admin } from 'kafkajs';
import { DataSource } from 'typeorm';

export interface HealthCheck {
  name: string;
  check(): Promise<boolean>;
}

export const HEALTH_CHECKS = Symbol('HEALTH_CHECKS');
const CHECK_TIMEOUT_MS = 2000;

function withTimeout(check: Promise<boolean>): Promise<boolean> {
  return Promise.race([
    check.catch(() => false),
    new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CHECK_TIMEOUT_MS).unref()),
  ]);
}

export function postgresCheck(db: DataSource): HealthCheck {
  return { name: 'postgres', check: async () => (await db.query('SELECT 1')).length === 1 };
}

export function kafkaCheck(kafka: Kafka): HealthCheck {
  let admin: Admin | null = null;
  return {
    name: 'kafka',
    async check() {
      if (!admin) {
        admin = kafka.admin();
        await admin.connect();
      }
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    },
  };
}

@Controller()
export class HealthController {
  constructor(@Inject(HEALTH_CHECKS) private readonly checks: HealthCheck[]) {}

  /** 200 when every dependency answers, 503 with the failing ones marked `down` otherwise. */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const results = await Promise.all(this.checks.map((c) => withTimeout(c.check())));
    const checks = Object.fromEntries(
      this.checks.map((c, i) => [c.name, results[i] ? 'up' : 'down']),
    );
    const ok = results.every(Boolean);
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', checks });
  }
}

/** Registers GET /health over the checks the given provider factory returns. */
@Module({})
export class HealthModule {
  static register(
    checks: Omit<Extract<Provider, { useFactory: unknown }>, 'provide'>,
  ): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [{ provide: HEALTH_CHECKS, ...checks }],
    };
  }
}
