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
  /** A dependency the service cannot work without (default); others only make it `degraded`. */
  critical?: boolean;
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

  /** Liveness: the process answers. */
  @Get('health/live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the service can do its work (as /health). */
  @Get('health/ready')
  async ready(@Res() res: Response): Promise<void> {
    await this.health(res);
  }

  /**
   * 200 when every critical dependency answers (`degraded` if an optional one does not), 503
   * when a critical one is down; each check is listed `up` or `down`.
   */
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const results = await Promise.all(this.checks.map((c) => withTimeout(c.check())));
    const checks = Object.fromEntries(
      this.checks.map((c, i) => [c.name, results[i] ? 'up' : 'down']),
    );
    const critical = this.checks.every((c, i) => results[i] || c.critical === false);
    const all = results.every(Boolean);
    res.status(critical ? 200 : 503).json({ status: all ? 'ok' : 'degraded', checks });
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
