// What an upload and a download have in common: a job, a meter, cancellation, and how they end.

import type { VerifyResult } from '../../shared/transfer.js';
import { followSignal } from './abort.js';
import type { EngineContext } from './context.js';
import { FerryError, asFerryError, cancelledError } from './errors.js';
import type { TransferMeter } from './progress.js';

export abstract class Transfer<Job> {
  readonly job: Job;
  readonly meter: TransferMeter;
  protected readonly ctx: EngineContext;
  protected readonly controller: AbortController;
  /** Fires on pause: no new segment starts; those in flight finish; what is done is kept. */
  protected readonly stopper: AbortController;
  private readonly detach: () => void;
  private readonly detachStop: () => void;

  constructor(job: Job, meter: TransferMeter, ctx: EngineContext, signal?: AbortSignal, pause?: AbortSignal) {
    this.job = job;
    this.meter = meter;
    this.ctx = ctx;
    ({ controller: this.controller, dispose: this.detach } = followSignal(signal));
    ({ controller: this.stopper, dispose: this.detachStop } = followSignal(pause));
  }

  cancel(): void {
    this.controller.abort(cancelledError());
  }

  /** Stops sending new segments, lets those in flight finish, and ends Paused with its journal kept. */
  pause(): void {
    this.stopper.abort();
  }

  /** Moves bytes and verifies them; resolves with how the result was checked, rejects with a FerryError. */
  async run(): Promise<VerifyResult> {
    this.meter.setStatus('active');
    try {
      const verified = await this.transfer();
      this.meter.setStatus('done');
      this.ctx.hub.flush(this.meter);
      this.ctx.hub.emit({ type: 'finished', transfer: this.meter.summary(), verified });
      return verified;
    } catch (thrown) {
      // Cancelled: said as such, unless the transfer already said more (an abort it could not finish).
      const cancelled = this.controller.signal.aborted && !(thrown instanceof FerryError && thrown.code === 'Cancelled');
      const error = await this.cleanUp(cancelled ? cancelledError(thrown) : asFerryError(thrown));
      this.meter.setStatus(error.code === 'Cancelled' ? 'cancelled' : error.code === 'Paused' ? 'paused' : 'failed', error.code === 'Paused' ? undefined : error.toInfo());
      this.ctx.hub.flush(this.meter);
      throw error;
    } finally {
      this.detach();
      this.detachStop();
    }
  }

  protected abstract transfer(): Promise<VerifyResult>;

  /** Removes (or keeps, for resume) what a failed or cancelled run left; may reword the error. */
  protected cleanUp(error: FerryError): Promise<FerryError> {
    return Promise.resolve(error);
  }
}
