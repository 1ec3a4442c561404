import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { LoadLedger } from '../lake/ledger.js';
import { refreshTokenExpiry } from '../spotify/token-store.js';
import { openStateStores } from '../state/stores.js';
import type { RunRecord } from './run-record.js';

/**
 * What a monitoring system asks: `/healthz` (is the pipeline working?) and `/metrics`
 * (Prometheus text format). Everything is read from the lake and the state stores, so any
 * process on any machine that shares the lake answers the same. Run records and ledger entries
 * are read once each and remembered: a scrape reads only what is new.
 */
export interface Health {
  status: 'ok' | 'failing';
  lake: { reachable: boolean; error?: string };
  last_run: { run_id: string; status: RunRecord['status']; finished_at: string } | null;
}

type RunSummary = Pick<RunRecord, 'run_id' | 'status' | 'finished_at'> & {
  requests: number;
  rate_limited: number;
};

export class PipelineMonitor {
  private readonly runs = new Map<string, RunSummary>();
  private ledgerAfter: string | undefined;
  private plays = { api: 0, export: 0 };
  private lastTransform: { finished_at: string; seconds: Record<string, number> } | undefined;

  constructor(
    private readonly config: Config,
    private readonly lake: Lake,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async health(): Promise<Health> {
    let reachable = true;
    let error: string | undefined;
    try {
      await this.readNewRuns();
    } catch (e) {
      reachable = false;
      error = this.config.redact((e as Error).message).slice(0, 300);
    }
    const last = this.latestRun();
    return {
      status: reachable && (last === undefined || last.status !== 'failed') ? 'ok' : 'failing',
      lake: reachable ? { reachable } : { reachable, error },
      last_run: last
        ? { run_id: last.run_id, status: last.status, finished_at: last.finished_at }
        : null,
    };
  }

  /** The metrics in Prometheus text exposition format (version 0.0.4). */
  async metrics(): Promise<string> {
    await this.readNewRuns();
    await this.readNewLoads();
    const state = openStateStores(this.config, this.lake);
    const now = this.now().getTime();
    const block = await state.blocks.current(now).catch(() => undefined);
    const tokens = await state.tokens.read().catch(() => undefined);
    const byOutcome = { ok: 0, failed: 0, checks_failed: 0 };
    let requests = 0;
    let rateLimited = 0;
    for (const run of this.runs.values()) {
      byOutcome[run.status]++;
      requests += run.requests;
      rateLimited += run.rate_limited;
    }
    const lines: string[] = [];
    const metric = (
      name: string,
      type: 'counter' | 'gauge',
      help: string,
      samples: Array<[Record<string, string>, number]>,
    ) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) {
        const text = Object.entries(labels)
          .map(
            ([k, v]) => `${k}="${v.replace(/["\\\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`,
          )
          .join(',');
        lines.push(`${name}${text ? `{${text}}` : ''} ${Number.isFinite(value) ? value : 'NaN'}`);
      }
    };
    metric(
      'wrapped_runs_total',
      'counter',
      'Pipeline runs recorded in the lake, by outcome.',
      Object.entries(byOutcome).map(([outcome, n]) => [{ outcome }, n]),
    );
    metric('wrapped_plays_landed_total', 'counter', 'Plays landed in the lake, by source.', [
      [{ source: 'api' }, this.plays.api],
      [{ source: 'export' }, this.plays.export],
    ]);
    metric('wrapped_api_requests_total', 'counter', 'Spotify Web API requests made by runs.', [
      [{}, requests],
    ]);
    metric('wrapped_api_rate_limited_total', 'counter', 'Spotify answers of 429 to runs.', [
      [{}, rateLimited],
    ]);
    metric(
      'wrapped_retry_after_seconds',
      'gauge',
      'Seconds until Spotify allows calls again (0: not blocked).',
      [[{}, block ? Math.max(0, Math.ceil((Date.parse(block.until) - now) / 1000)) : 0]],
    );
    metric(
      'wrapped_login_days_left',
      'gauge',
      'Days until the saved Spotify login expires (absent: not logged in).',
      tokens
        ? [
            [
              {},
              Math.floor((refreshTokenExpiry(tokens.authorized_at).getTime() - now) / 86_400_000),
            ],
          ]
        : [],
    );
    metric(
      'wrapped_transform_duration_seconds',
      'gauge',
      'Seconds the last successful transform spent on each layer.',
      Object.entries(this.lastTransform?.seconds ?? {}).map(([layer, s]) => [
        { layer },
        Math.round(s * 1000) / 1000,
      ]),
    );
    const last = this.latestRun();
    metric(
      'wrapped_last_run_timestamp_seconds',
      'gauge',
      'When the last run finished (Unix time).',
      last ? [[{ outcome: last.status }, Math.floor(Date.parse(last.finished_at) / 1000)]] : [],
    );
    return `${lines.join('\n')}\n`;
  }

  private latestRun(): RunSummary | undefined {
    let latest: RunSummary | undefined;
    for (const run of this.runs.values())
      if (!latest || run.finished_at > latest.finished_at) latest = run;
    return latest;
  }

  /** Run records not read yet (they are never changed once written, except to add a wait). */
  private async readNewRuns(): Promise<void> {
    for await (const entry of this.lake.list(layout.statePrefix('runs'))) {
      if (!entry.path.endsWith('.json') || this.runs.has(entry.path)) continue;
      let record: RunRecord;
      try {
        record = JSON.parse((await this.lake.get(entry.path)).toString('utf8')) as RunRecord;
      } catch {
        continue; // a damaged record is not a run
      }
      this.runs.set(entry.path, {
        run_id: record.run_id,
        status: record.status,
        finished_at: record.finished_at,
        requests: record.stages.extract?.requests ?? 0,
        rate_limited: record.stages.extract?.rate_limited ?? 0,
      });
    }
  }

  /** Ledger entries since the last scrape: plays landed, and the latest transform's timings. */
  private async readNewLoads(): Promise<void> {
    for await (const entry of new LoadLedger(this.lake).entries({ after: this.ledgerAfter })) {
      this.ledgerAfter = entry.load_id;
      if (entry.kind === 'extract' && entry.source === 'recently_played')
        this.plays.api += entry.counts.new_plays ?? 0;
      if (entry.kind === 'import')
        for (const file of entry.files)
          if (file.kind === 'extended_history' || file.kind === 'account_history')
            this.plays.export += file.records ?? 0;
      if (entry.kind === 'transform' && entry.status === 'ok') {
        const seconds: Record<string, number> = {};
        const models = (entry.details?.models ?? []) as Array<{ model: string; seconds?: number }>;
        for (const m of models) {
          const layer = m.model.split('.')[0] ?? 'other';
          seconds[layer] = (seconds[layer] ?? 0) + (m.seconds ?? 0);
        }
        this.lastTransform = { finished_at: entry.finished_at, seconds };
      }
    }
  }
}
