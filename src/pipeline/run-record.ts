import type { Gap } from '../extract/context.js';
import type { ExtractReport } from '../extract/extract.js';
import type { Delivery } from '../notify/notifier.js';
import type { CheckResult } from '../warehouse/index.js';

/**
 * What one `wrapped run` did, kept in the lake (`_state/runs/`): read by incidents, status, the
 * health endpoints and the scheduler. In a module of its own so that the run and the incidents
 * it opens can both use it without importing each other.
 */
export interface RunRecord {
  run_id: string;
  started_at: string;
  finished_at: string;
  /** The time the run acted at (the simulator's clock in tests and the demo). */
  now: string;
  status: 'ok' | 'failed' | 'checks_failed';
  /** Seconds this run waited for another run on the lake to finish before it began. */
  waited_seconds?: number;
  stages: {
    extract?: {
      status: 'ok' | 'failed';
      seconds: number;
      requests: number;
      /** Of the requests, how many Spotify answered 429 (absent in records of older versions). */
      rate_limited?: number;
      sources: ExtractReport['sources'];
      blocked_until: string | null;
      gaps: Gap[];
      /** In a lake of several listeners: how each one's pull went (absent with one). */
      listeners?: Array<{
        listener: string;
        status: 'ok' | 'failed';
        error?: { type: string; message: string };
      }>;
    };
    /** `skipped` when the caller defers building (the demo's fast-forward builds once at the end). */
    transform?: {
      status: 'ok' | 'failed' | 'skipped';
      seconds: number;
      models: number;
      load_id?: string;
    };
    check?: {
      status: 'ok' | 'failed';
      seconds: number;
      passed: number;
      failed: number;
      failures: CheckResult[];
    };
  };
  error?: {
    stage: string;
    type: string;
    message: string;
    hint?: string;
    /** In a lake of several listeners: whose pull failed (src/listeners). */
    listener?: string;
  };
  incidents?: { opened: string[]; closed: string[] };
  notifications?: Delivery;
}
