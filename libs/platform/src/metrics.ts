import { Controller, Get, Header, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The process's Prometheus registry; every service exposes it on GET /metrics. */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics });

export function counter(name: string, help: string, labelNames: string[] = []): Counter {
  return (
    (metrics.getSingleMetric(name) as Counter) ??
    new Counter({ name, help, labelNames, registers: [metrics] })
  );
}

export function gauge(name: string, help: string, labelNames: string[] = []): Gauge {
  return (
    (metrics.getSingleMetric(name) as Gauge) ??
    new Gauge({ name, help, labelNames, registers: [metrics] })
  );
}

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

export function histogram(name: string, help: string, labelNames: string[] = []): Histogram {
  return (
    (metrics.getSingleMetric(name) as Histogram) ??
    new Histogram({ name, help, labelNames, buckets: LATENCY_BUCKETS, registers: [metrics] })
  );
}

@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4')
  async scrape(): Promise<string> {
    return metrics.metrics();
  }
}

@Module({ controllers: [MetricsController] })
export class MetricsModule {}
