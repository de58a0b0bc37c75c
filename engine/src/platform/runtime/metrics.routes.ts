import { platformRoute, type RouteSpec } from '../http/route.js';
import type { EventLoopMetrics, EventLoopWatchdog } from './event-loop-watchdog.js';

/**
 * The process's runtime metrics in Prometheus's text format, for platform admins only (managing
 * tenants is what only they may do): they describe the whole process, every tenant's work in it.
 * Each engine process answers for itself; behind a load balancer, scrape each one directly.
 */
export function metricsRoutes(watchdog: EventLoopWatchdog): RouteSpec[] {
  return [
    platformRoute({
      method: 'get',
      path: '/api/admin/metrics',
      can: ['manage', 'Tenant'],
      handler: async ({ res }) => {
        res.type('text/plain; version=0.0.4; charset=utf-8').send(prometheusText(watchdog.read()));
        return undefined;
      },
    }),
  ];
}

export function prometheusText(metrics: EventLoopMetrics): string {
  const seconds = (ms: number) => String(ms / 1000);
  const { delay } = metrics;
  return [
    '# HELP parley_event_loop_delay_seconds Event-loop delay since the previous scrape (perf_hooks monitorEventLoopDelay).',
    '# TYPE parley_event_loop_delay_seconds summary',
    `parley_event_loop_delay_seconds{quantile="0.5"} ${seconds(delay.p50)}`,
    `parley_event_loop_delay_seconds{quantile="0.9"} ${seconds(delay.p90)}`,
    `parley_event_loop_delay_seconds{quantile="0.99"} ${seconds(delay.p99)}`,
    '# HELP parley_event_loop_delay_max_seconds Longest event-loop delay since the previous scrape.',
    '# TYPE parley_event_loop_delay_max_seconds gauge',
    `parley_event_loop_delay_max_seconds ${seconds(delay.max)}`,
    '# HELP parley_event_loop_stalls_total Times the event loop was held past EVENT_LOOP_STALL_MS since the engine started.',
    '# TYPE parley_event_loop_stalls_total counter',
    `parley_event_loop_stalls_total ${metrics.stalls}`,
    '# HELP parley_event_loop_stalled_seconds_total Time the event loop spent in those stalls.',
    '# TYPE parley_event_loop_stalled_seconds_total counter',
    `parley_event_loop_stalled_seconds_total ${seconds(metrics.stalledMsTotal)}`,
    '# HELP parley_event_loop_longest_stall_seconds Longest stall since the engine started.',
    '# TYPE parley_event_loop_longest_stall_seconds gauge',
    `parley_event_loop_longest_stall_seconds ${seconds(metrics.longestStallMs)}`,
    '',
  ].join('\n');
}
