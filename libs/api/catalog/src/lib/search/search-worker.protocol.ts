import type { KeeperStatus } from './index-keeper';
import type { IndexQuery, IndexResult } from './model-index';

/** What the API's request thread asks the search worker. */
export type WorkerRequest =
  | { type: 'touch' }
  | { type: 'search'; id: number; query: IndexQuery }
  | { type: 'status'; id: number }
  | { type: 'ready'; id: number }
  | { type: 'stop' };

/** What the search worker answers (and its log lines). */
export type WorkerReply =
  | { type: 'result'; id: number; result: IndexResult | null; error?: string }
  | { type: 'status'; id: number; status: KeeperStatus }
  | { type: 'ready'; id: number; ok: boolean }
  | { type: 'log'; level: 'log' | 'warn'; message: string }
  | { type: 'swapped' };
