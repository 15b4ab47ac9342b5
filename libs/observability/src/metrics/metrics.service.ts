import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * The process's Prometheus registry. Capabilities register their own counters
 * and histograms through `counter()` and `histogram()`; the HTTP layer records per-route latency.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'statemesh_' });
    this.httpDuration = new Histogram({
      name: 'statemesh_http_request_duration_seconds',
      help: 'HTTP request latency by route template and status.',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
  }

  /** A counter registered once per name, however many services ask for it. */
  counter<Label extends string>(configuration: Omit<CounterConfiguration<Label>, 'registers'>): Counter<Label> {
    const existing = this.registry.getSingleMetric(configuration.name);
    if (existing) return existing as Counter<Label>;
    return new Counter({ ...configuration, registers: [this.registry] });
  }

  /** A histogram registered once per name, however many services ask for it. */
  histogram<Label extends string>(configuration: Omit<HistogramConfiguration<Label>, 'registers'>): Histogram<Label> {
    const existing = this.registry.getSingleMetric(configuration.name);
    if (existing) return existing as Histogram<Label>;
    return new Histogram({ ...configuration, registers: [this.registry] });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
