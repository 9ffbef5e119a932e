// The app's compared syncs (`sync.plan`): each kept in memory under the caller's id until it is
// started, discarded, pushed out by newer ones or expired. A comparison still running stops when
// its id is discarded.

import type { SyncPlanSummary } from '../../shared/api.js';
import type { TransferEngine } from '../engine/engine.js';
import { FerryError, cancelledError } from '../engine/errors.js';
import type { SyncInput, SyncPlan } from '../engine/sync.js';
import { syncPlanSummary } from './syncSummary.js';

// A plan says what differed when it was made; after this long it is worth comparing again.
export const PLAN_TTL_MS = 10 * 60_000;
// A plan holds every path of both sides (100,000 files: tens of megabytes): a few are kept, the oldest go first.
export const PLANS_KEPT = 4;

export interface KeptPlan {
  accountId: string;
  plan: SyncPlan;
  expiresAt: number;
}

export class SyncPlans {
  private readonly comparing = new Map<string, AbortController>();
  /** In the order they were made: the first is the oldest. */
  private readonly kept = new Map<string, KeptPlan & { timer: NodeJS.Timeout }>();

  constructor(
    private readonly ttlMs = PLAN_TTL_MS,
    private readonly limit = PLANS_KEPT,
  ) {}

  /** Compares (nothing is changed) and keeps the plan under `planId`; Cancelled when discarded meanwhile. */
  async compare(engine: TransferEngine, accountId: string, planId: string, input: SyncInput): Promise<SyncPlanSummary> {
    if (this.comparing.has(planId) || this.kept.has(planId)) throw new FerryError('InvalidInput', `A sync plan ${planId} exists already: give each comparison an id of its own.`);
    const controller = new AbortController();
    this.comparing.set(planId, controller);
    try {
      const plan = await engine.planSync(input, controller.signal);
      if (controller.signal.aborted) throw cancelledError();
      const expiresAt = Date.now() + this.ttlMs;
      this.keep(planId, { accountId, plan, expiresAt });
      return syncPlanSummary(planId, accountId, plan, expiresAt);
    } finally {
      this.comparing.delete(planId);
    }
  }

  /** The plan, taken out (a plan starts once); refused when it expired, was discarded or never was. */
  take(planId: string): KeptPlan {
    const kept = this.kept.get(planId);
    this.forget(planId);
    if (!kept || kept.expiresAt <= Date.now()) {
      const minutes = Math.round(this.ttlMs / 60_000);
      throw new FerryError('InvalidInput', `This comparison is no longer kept (one is kept for ${minutes} minute${minutes === 1 ? '' : 's'}, until it is started): compare again.`);
    }
    return kept;
  }

  /** Forgets the plan, or stops its comparison; false when there was neither. */
  discard(planId: string): boolean {
    const controller = this.comparing.get(planId);
    controller?.abort(cancelledError());
    return this.forget(planId) || controller !== undefined;
  }

  /** Plans kept now (for tests of the bound). */
  get size(): number {
    return this.kept.size;
  }

  close(): void {
    for (const controller of this.comparing.values()) controller.abort(cancelledError());
    for (const planId of [...this.kept.keys()]) this.forget(planId);
  }

  private keep(planId: string, plan: KeptPlan): void {
    const timer = setTimeout(() => this.forget(planId), Math.max(0, plan.expiresAt - Date.now()));
    timer.unref();
    this.kept.set(planId, { ...plan, timer });
    while (this.kept.size > this.limit) {
      const oldest = this.kept.keys().next().value;
      if (oldest === undefined) break;
      this.forget(oldest);
    }
  }

  private forget(planId: string): boolean {
    const kept = this.kept.get(planId);
    if (!kept) return false;
    clearTimeout(kept.timer);
    this.kept.delete(planId);
    return true;
  }
}
