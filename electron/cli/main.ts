// `ferry`: the command line that drives the same transfer engine as the app.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ConflictDecision, IfExists, ObjectHeaders, TransferConflict, TransferEvent } from '../../shared/transfer.js';
import { IF_EXISTS, decisionFromAnswer, type ConflictOptions } from '../engine/conflicts.js';
import { Journal, defaultStateDir, uploadPhase } from '../engine/journal.js';
import { planUploads, type DownloadPlan } from '../engine/batchPlan.js';
import { relayUpload } from '../relay/sender.js';
import { ListingCache, MAX_CACHED_ENTRIES, primaryDown, primaryKey, replicaKey } from '../engine/failover.js';
import type { ListEntry } from '../engine/s3/listOutput.js';
import { formatDuration } from '../../shared/duration.js';
import { loadRules } from './rulesFile.js';
import { applyRules, headerLines, setHeaderLine } from '../engine/publishRules.js';
import type { PlannedHeaderChange } from '../engine/headerChange.js';
import { TransferEngine, type BatchResult } from '../engine/engine.js';
import { COPY_IF_EXISTS, copyInputFromUrls, type CopyIfExists } from '../engine/copy.js';
import { FerryError, asFerryError } from '../engine/errors.js';
import { parseS3Url } from '../engine/keyPath.js';
import { actionLine } from '../engine/sync.js';
import { parseSize, type DataPath, type TransferSettings } from '../engine/settings.js';
import { tuneV8 } from '../engine/v8Flags.js';
import { resolveCliAccount, type AccountFlags } from './account.js';
import { ProgressLine, formatBytes, formatRate } from './progressLine.js';
import { failedLine } from './failedLine.js';
import { FAILOVER_SETTINGS, reason, replicaOf, withReplicaOptions, type ReplicaFlags } from './replica.js';

// The SDK warns on every run that its 2027 releases need Node 22; Ferry pins its SDK version
// (package-lock.json), so the warning says nothing to a user of this command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
tuneV8();

interface CommonFlags extends AccountFlags {
  partSize?: number;
  parts?: number;
  files?: number;
  fixed?: boolean;
  retries?: number;
  bwlimit?: number;
  lists?: number;
  dataPath?: DataPath;
  quiet?: boolean;
}

function wholeNumber(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new InvalidArgumentError('expected a whole number of at least 1.');
  return value;
}

function size(text: string): number {
  try {
    return parseSize(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** s3://bucket/key of one object (not a prefix). */
function objectUrl(url: string): { bucket: string; key: string } {
  const parsed = parseS3Url(url);
  if (parsed.key === '' || parsed.key.endsWith('/')) throw new FerryError('InvalidInput', `"${url}" names a prefix; give the object's key, s3://bucket/key.`);
  return parsed;
}

function streamSize(text: string): number {
  const value = size(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new InvalidArgumentError('expected a size such as 20GiB.');
  return value;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'use this profile of ~/.aws/credentials and ~/.aws/config')
    .option('--account <name>', "use this account of the app (its keys from the OS keychain; FERRY_CONFIG_DIR: the app's settings folder)")
    .option('--endpoint <url>', 'S3-compatible endpoint URL (default: AWS_ENDPOINT_URL, or AWS)')
    .option('--region <region>', 'region (default: AWS_REGION, the profile\'s, or us-east-1)')
    .option('--path-style', 'path-style addressing (http://host/bucket/key); automatic for IP and localhost endpoints')
    .option('--part-size <size>', 'part and range size, e.g. 8MiB (grows when a file needs more than 10,000 parts)', size)
    .option('--parts <n>', 'most parts or ranges in flight (default 16)', wholeNumber)
    .option('--files <n>', 'most files in flight (default 64)', wholeNumber)
    .option('--fixed', 'always keep --parts and --files in flight, instead of tuning them to the measured throughput')
    .option('--retries <n>', 'attempts per request before giving up', wholeNumber)
    .option('--bwlimit <size>', 'most bytes per second, up and down together, e.g. 10MiB (default: no limit)', size)
    .option('--lists <n>', 'list requests in flight for one listing: key ranges read side by side (default 4; 1: page after page)', wholeNumber)
    .addOption(new Option('--data-path <path>', 'how object data is sent: direct (undici, signed by the SDK) or sdk (through the SDK client); default: FERRY_DATA_PATH, or direct').choices(['direct', 'sdk']))
    .option('-q, --quiet', 'no progress line');
}

/** One side of a copy: its own --from-/--to- account or profile, else the command's --account or --profile. */
function sideAccount(flags: CommonFlags, account: string | undefined, profile: string | undefined, side: '--from' | '--to'): Pick<CommonFlags, 'account' | 'profile'> {
  if (account !== undefined && profile !== undefined) throw new FerryError('InvalidInput', `Give ${side}-account or ${side}-profile, not both.`);
  if (account !== undefined) return { account, profile: undefined };
  if (profile !== undefined) return { account: undefined, profile };
  return { account: flags.account, profile: flags.profile };
}

async function engineFor(flags: CommonFlags, onProgress?: ProgressLine, extra: Partial<TransferSettings> = {}): Promise<TransferEngine> {
  const account = await resolveCliAccount(flags);
  const settings: Partial<TransferSettings> = {
    ...extra,
    partSize: flags.partSize,
    partsInFlight: flags.parts,
    filesInFlight: flags.files,
    adaptive: flags.fixed ? false : undefined,
    maxAttempts: flags.retries,
    bandwidthLimit: flags.bwlimit,
    listsInFlight: flags.lists,
    dataPath: flags.dataPath,
  };
  const engine = new TransferEngine({ endpoint: account.endpoint, credentials: account.credentials, settings, journal: new Journal(defaultStateDir()) });
  // For benchmarks: where adaptive tuning ended.
  if (process.env.FERRY_REPORT_LOOP_DELAY) {
    process.once('exit', () => {
      const { parts, files } = engine.parallelism();
      process.stderr.write(`ferry-parallelism: parts ${parts.limit} files ${files.limit}\n`);
    });
  }
  engine.on((event) => {
    onProgress?.onEvent(event);
    if (event.type === 'resumed') reportResume(event, onProgress);
  });
  return engine;
}

function reportResume(event: Extract<TransferEvent, { type: 'resumed' }>, line?: ProgressLine): void {
  line?.clear();
  const what = `${event.kind} of s3://${event.bucket}/${event.key}`;
  if (event.restartedBecause) process.stderr.write(`ferry: starting the ${what} over: ${event.restartedBecause}.\n`);
  else {
    const unit = event.kind === 'upload' ? 'parts were already on the server' : 'ranges were already on disk';
    process.stderr.write(`ferry: resuming the ${what}: ${event.segmentsDone} of ${event.segmentCount} ${unit} (${formatBytes(event.bytesDone)}).\n`);
  }
}

/** Ctrl-C cancels cleanly (multipart uploads are aborted, partial files removed); a second one exits at once. */
function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => {
    process.stderr.write('\nferry: cancelling…\n');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  return controller.signal;
}

function report(result: BatchResult, verb: string): void {
  if (result.alreadyDone > 0) {
    process.stderr.write(`ferry: resuming: ${result.alreadyDone} of ${result.files} files were done before the interruption and were not sent again.\n`);
  }
  for (const skipped of result.skipped) process.stderr.write(`ferry: skipped ${skipped.path}: ${skipped.reason}\n`);
  for (const renamed of result.renamed) process.stderr.write(`ferry: ${renamed.item} → ${renamed.to} (renamed: the target exists)\n`);
  for (const failure of result.failures) {
    const code = failure.error.code === 'Unknown' ? '' : `${failure.error.code}: `;
    process.stderr.write(`ferry: failed ${failure.item}: ${code}${failure.error.message}\n`);
  }
  const folders = result.folders > 0 && verb === 'Uploaded' ? ` and ${result.folders} empty folder${result.folders === 1 ? '' : 's'}` : '';
  const files = `${result.done} file${result.done === 1 ? '' : 's'}${folders}`;
  const earlier = result.resumedBytes > 0 ? `; ${formatBytes(result.resumedBytes)} of it moved before the interruption` : '';
  const moved = result.bytes - result.resumedBytes;
  process.stdout.write(`${verb} ${files}, ${result.bytes} bytes (${formatBytes(result.bytes)}${earlier}) in ${result.seconds.toFixed(2)} s, ${formatRate(moved, result.seconds)}\n`);
  if (result.failures.length > 0) {
    throw new Error(failedLine(result));
  }
}

function ifExistsOption(): Option {
  return new Option(
    '--if-exists <policy>',
    'when the target exists: overwrite; skip; rename (to "name (1).ext"); different (overwrite if size or checksum differ); ask (on a terminal; otherwise those items fail)',
  )
    .choices(IF_EXISTS)
    .default('ask');
}

/** stderr for the progress line, kept silent while a question waits for its answer. */
function holdableStderr(): { out: NodeJS.WriteStream; hold(): void; release(): void } {
  let held = false;
  const out = Object.create(process.stderr, { write: { value: (chunk: string | Uint8Array) => held || process.stderr.write(chunk) } }) as NodeJS.WriteStream;
  return { out, hold: () => void (held = true), release: () => void (held = false) };
}

/**
 * --if-exists as the engine takes it. `ask` asks only with a terminal to answer on (stdin and
 * stderr); without one (a script, a pipe) no one could answer, and those items fail with TargetExists.
 */
function conflictOptions(ifExists: IfExists, line: ProgressLine, output: ReturnType<typeof holdableStderr>): ConflictOptions {
  const terminal = process.stdin.isTTY && process.stderr.isTTY;
  if (ifExists !== 'ask' || !terminal) return { ifExists };
  return {
    ifExists,
    ask: async (conflict, signal) => {
      line.clear();
      output.hold();
      try {
        return await askOnTerminal(conflict, signal);
      } finally {
        output.release();
      }
    },
  };
}

async function askOnTerminal(conflict: TransferConflict, signal?: AbortSignal): Promise<ConflictDecision> {
  const terminal = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C while asked cancels the batch, as it does at any other time (readline would only pause).
  terminal.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
  const closed = new Promise<never>((_resolve, reject) =>
    terminal.once('close', () => reject(new FerryError('TargetExists', `${conflict.target} exists, and the terminal closed before an answer.`))),
  );
  const { size, modified } = conflict.existing;
  const when = modified === undefined ? '' : `, ${localDate(new Date(modified))}`;
  const question = `${conflict.target} exists (${formatBytes(size)}${when}). Overwrite, Skip, Rename, if Different? [o/s/r/d, capital = all] `;
  try {
    for (;;) {
      const decision = decisionFromAnswer(await Promise.race([terminal.question(question, { signal }), closed]));
      if (decision) return decision;
    }
  } finally {
    terminal.close();
  }
}

function localDate(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The single header flags and every --header, which win over the rules. */
function headersFrom(options: Record<string, unknown>): ObjectHeaders | undefined {
  const headers: ObjectHeaders = {};
  for (const line of (options.header as string[] | undefined) ?? []) setHeaderLine(headers, line);
  const single = { cacheControl: options.cacheControl, contentType: options.contentType, contentDisposition: options.contentDisposition, contentEncoding: options.contentEncoding, contentLanguage: options.contentLanguage };
  for (const [field, value] of Object.entries(single)) if (typeof value === 'string') Object.assign(headers, { [field]: value });
  return Object.keys(headers).length > 0 ? headers : undefined;
}

/** The header flags of upload and set-headers: the same words and meaning in both. */
function withHeaderOptions(command: Command): Command {
  return command
    .option('--cache-control <value>', 'Cache-Control header for every object, e.g. "public, max-age=31536000"')
    .option('--content-disposition <value>', 'Content-Disposition header')
    .option('--content-encoding <value>', 'Content-Encoding header')
    .option('--content-language <value>', 'Content-Language header')
    .option('--header <name: value>', 'any header a rule may set, e.g. "x-amz-meta-build: 42" (repeatable)', (line: string, all: string[] = []) => [...all, line])
    .option('--rules <file|preset>', 'publishing rules: a JSON file of {"match": glob, "headers": {…}}, first match wins, or a preset (static-site); the flags win over them');
}

export function buildProgram(): Command {
  const program = new Command('ferry')
    .description('Fast, resumable S3 transfers: the engine of the Ferry app, on the command line.')
    .version(ferryVersion(), '-V, --version', 'print the version')
    .showHelpAfterError()
    .configureOutput({ outputError: (text, write) => write(text) });

  withHeaderOptions(withCommonOptions(
    program
      .command('upload')
      .description('upload files and folders (folders go in whole, like cp -r)')
      .argument('<paths...>', 'local files or folders, then the destination s3://bucket/prefix/'),
  ))
    .option('--content-type <value>', "Content-Type for every object (default: from each file's name, application/octet-stream when unknown)")
    .option('--dry-run', "print each file's key and the headers it would get, and send nothing")
    .option('--via <url>', 'send the files to a Ferry host near the bucket (the address npm run serve printed, token included), which uploads them with its own account')
    .addOption(ifExistsOption())
    .action(async (paths: string[], flags: CommonFlags & Record<string, unknown> & { ifExists: IfExists; rules?: string; dryRun?: boolean; via?: string }) => {
      const destination = paths.pop();
      if (!destination || paths.length === 0) throw new Error('give one or more local paths, then s3://bucket/prefix/');
      const target = parseS3Url(destination);
      const signal = interruptSignal();
      // Rules and flags are read before the folders are walked: a bad rule costs nothing.
      const rules = flags.rules === undefined ? undefined : await loadRules(flags.rules);
      const overrides = headersFrom(flags);
      const plan = applyRules(await planUploads(paths, target.bucket, target.key, undefined, signal), rules, overrides);
      if (flags.dryRun) {
        for (const file of plan.files) process.stdout.write(`s3://${file.bucket}/${file.key}\n${headerLines(file.headers).map((l) => `  ${l}\n`).join('')}`);
        for (const marker of plan.folderMarkers) process.stdout.write(`s3://${plan.bucket}/${marker}  (empty folder)\n`);
        process.stdout.write(`${plan.files.length} file${plan.files.length === 1 ? '' : 's'} would be uploaded; nothing was sent (--dry-run).\n`);
        return;
      }
      const totalBytes = plan.files.reduce((sum, f) => sum + f.size, 0);
      if (flags.via !== undefined) {
        if (flags.ifExists !== 'ask' && flags.ifExists !== 'overwrite') throw new FerryError('InvalidInput', `--if-exists ${flags.ifExists} cannot go through a relay: the host replaces what exists (asking the bucket first would cost the round trip per file the relay saves). Leave out --via to upload directly.`);
        return relayCommand(flags.via, paths, target, plan, totalBytes, flags.quiet === true, signal);
      }
      const output = holdableStderr();
      const line = new ProgressLine(output.out, 'upload', totalBytes, plan.files.length, flags.quiet);
      const engine = await engineFor(flags, line);
      try {
        const result = await engine.runUploads(plan, signal, conflictOptions(flags.ifExists, line, output));
        line?.stop();
        report(result, 'Uploaded');
      } finally {
        line?.stop();
        engine.close();
      }
    });

  withReplicaOptions(withCommonOptions(
    program
      .command('download')
      .description('download a key, or a prefix as a folder, into a local folder')
      .argument('<source>', 's3://bucket/key or s3://bucket/prefix/')
      .argument('<folder>', 'local folder to download into (created if missing)'),
  ))
    .addOption(ifExistsOption())
    .action(async (source: string, folder: string, flags: CommonFlags & ReplicaFlags & { ifExists: IfExists }) => {
      const from = parseS3Url(source);
      const signal = interruptSignal();
      const replica = replicaOf(flags);
      const primary = await engineFor(flags, undefined, replica ? FAILOVER_SETTINGS : {});
      let engine = primary;
      let line: ProgressLine | undefined;
      try {
        let plan: DownloadPlan;
        try {
          plan = await primary.planDownloads(from.bucket, from.key, folder, signal);
        } catch (error) {
          if (!replica || !primaryDown(error)) throw error;
          // The primary is down: the same names, from the replica.
          const where = `s3://${replica.place.bucket}/${replicaKey(replica.place, from.key)}`;
          process.stderr.write(`ferry: s3://${from.bucket}/ cannot be reached: ${reason(error)}; downloading from the replica ${where} instead.\n`);
          engine = await engineFor({ ...flags, ...replica.account });
          plan = await engine.planDownloads(replica.place.bucket, replicaKey(replica.place, from.key), folder, signal);
        }
        const totalBytes = plan.files.reduce((sum, f) => sum + f.size, 0);
        const output = holdableStderr();
        line = new ProgressLine(output.out, 'download', totalBytes, plan.files.length, flags.quiet);
        if (line) engine.on((e) => line?.onEvent(e));
        let result = await engine.runDownloads(plan, signal, conflictOptions(flags.ifExists, line, output));
        if (replica && engine === primary) {
          const rest = await downloadRestFromReplica(plan, result, replica, flags, signal, line);
          if (rest) {
            engine = rest.engine;
            result = rest.result;
          }
        }
        line?.stop();
        report(result, 'Downloaded');
      } finally {
        line?.stop();
        primary.close();
        if (engine !== primary) engine.close();
      }
    });

  withHeaderOptions(withCommonOptions(
    program
      .command('put')
      .description('upload standard input as one object (a multipart upload of parts in flight, memory within the budget)')
      .argument('<source>', '- (standard input); for files and folders use ferry upload')
      .argument('<target>', 's3://bucket/key'),
  ))
    .option('--content-type <value>', 'Content-Type of the object (default: application/octet-stream)')
    .option('--size <size>', "the stream's length when known, e.g. 20GiB: parts are sized for it, and a stream that ends early or runs long fails", streamSize)
    .action(async (source: string, target: string, flags: CommonFlags & Record<string, unknown> & { size?: number }) => {
      if (source !== '-') throw new FerryError('InvalidInput', `ferry put reads standard input ("-"); to upload ${source}, use ferry upload.`);
      const to = objectUrl(target);
      const signal = interruptSignal();
      const headers = { contentType: 'application/octet-stream', ...headersFrom(flags) };
      const line = new ProgressLine(process.stderr, 'upload', flags.size, 1, flags.quiet);
      const engine = await engineFor(flags, line);
      const started = performance.now();
      try {
        await engine.uploadStream({ input: { fd: 0 }, name: 'standard input', bucket: to.bucket, key: to.key, headers, size: flags.size }, signal);
        line.stop();
        const seconds = (performance.now() - started) / 1000;
        const total = line.bytes;
        process.stdout.write(`Uploaded standard input to s3://${to.bucket}/${to.key}, ${total} bytes (${formatBytes(total)}) in ${seconds.toFixed(2)} s, ${formatRate(total, seconds)}\n`);
      } finally {
        line.stop();
        engine.close();
      }
    });

  withCommonOptions(
    program
      .command('get')
      .description('write an object to standard output, in order, from ranged GETs in flight (verified against its ETag at the end)')
      .argument('<source>', 's3://bucket/key')
      .argument('<target>', '- (standard output); for files and folders use ferry download'),
  ).action(async (source: string, target: string, flags: CommonFlags) => {
    if (target !== '-') throw new FerryError('InvalidInput', `ferry get writes to standard output ("-"); to download into ${target}, use ferry download.`);
    const from = objectUrl(source);
    const signal = interruptSignal();
    const engine = await engineFor(flags);
    const info = await engine.headObject(from.bucket, from.key, signal).catch((error: unknown) => {
      engine.close();
      throw error;
    });
    const line = new ProgressLine(process.stderr, 'download', info.size, 1, flags.quiet);
    const off = engine.on((event) => line.onEvent(event));
    try {
      await engine.downloadStream({ bucket: from.bucket, key: from.key, output: process.stdout, name: 'standard output' }, signal);
    } catch (error) {
      // A reader that stopped early (| head) wanted no more: that is no failure, and says nothing.
      if (asFerryError(error).code !== 'OutputClosed') throw error;
    } finally {
      off();
      line.stop();
      engine.close();
    }
  });

  for (const [name, move] of [['copy', false], ['mv', true]] as const) {
    withCommonOptions(
      program
        .command(name)
        .description(
          move
            ? 'move a key, or every object below a prefix, to another bucket, prefix or account: each source is deleted once its copy is verified'
            : 'copy a key, or every object below a prefix, to another bucket, prefix or account (on the server within one account; streamed through this machine across accounts)',
        )
        .argument('<source>', 's3://bucket/key, or s3://bucket/prefix/ for every object below it')
        .argument('<target>', 's3://bucket/key, or s3://bucket/prefix/ (objects keep their names below the source prefix)'),
    )
      .addOption(new Option('--if-exists <policy>', 'when the target key holds an object: different (copy only if size or ETag differ), overwrite, skip').choices(COPY_IF_EXISTS).default('different'))
      .option('--from-profile <name>', "the source's account: this profile of ~/.aws (default: the usual account)")
      .option('--to-profile <name>', "the target's account: this profile of ~/.aws (default: the usual account)")
      .option('--only-newer', 'copy only where the target is missing or older than the source (keeps a replica in step; a target changed since is left)')
      .option('--from-account <name>', "the source's account: this account of the app")
      .option('--to-account <name>', "the target's account: this account of the app")
      .action(async (sourceUrl: string, targetUrl: string, flags: CommonFlags & { ifExists: CopyIfExists; onlyNewer?: boolean; fromProfile?: string; toProfile?: string; fromAccount?: string; toAccount?: string }) => {
        const source = parseS3Url(sourceUrl);
        const target = parseS3Url(targetUrl);
        const signal = interruptSignal();
        const progress = new CountLine(process.stderr, flags.quiet === true);
        const sourceAccount = sideAccount(flags, flags.fromAccount, flags.fromProfile, '--from');
        const targetAccount = sideAccount(flags, flags.toAccount, flags.toProfile, '--to');
        const engine = await engineFor({ ...flags, ...targetAccount });
        const same = sourceAccount.account === targetAccount.account && sourceAccount.profile === targetAccount.profile;
        const from = same ? undefined : await engineFor({ ...flags, ...sourceAccount });
        const verb = move ? 'move' : 'copy';
        try {
          const result = await engine.copy(
            { ...copyInputFromUrls(source, target), ifExists: flags.ifExists, onlyNewer: flags.onlyNewer, move },
            {
              signal,
              onProgress: (p) => progress.draw(`${verb} ${p.copied + p.skipped + p.failed}/${p.objects}${p.listed ? '' : '+'} objects, ${formatBytes(p.bytes)}${p.failed > 0 ? `, ${p.failed} failed` : ''}`),
              onResumed: (r) => progress.say(`ferry: resuming the ${verb} to s3://${target.bucket}/${r.key}: ${r.partsDone} of ${r.parts} parts were already copied.\n`),
            },
            from,
          );
          progress.stop();
          if (result.alreadyDone > 0) process.stderr.write(`ferry: resuming: ${result.alreadyDone} of ${result.objects} objects were done before the interruption and were not copied again.\n`);
          for (const failure of result.failures) process.stderr.write(`ferry: failed ${failure.item}: ${failure.error.code === 'Unknown' ? '' : `${failure.error.code}: `}${failure.error.message}\n`);
          const passedOver = result.skipped - result.alreadyDone;
          const why = flags.ifExists === 'skip' ? 'the target existed' : flags.onlyNewer ? 'the target held the same object or a newer one' : 'the target held the same object';
          const skipped = passedOver > 0 ? `; ${passedOver} skipped (${why})` : '';
          const deleted = move ? `; ${result.deleted} source${result.deleted === 1 ? '' : 's'} deleted` : '';
          const how = result.streamed ? ', streamed through this machine' : ', on the server';
          process.stdout.write(
            `${move ? 'Moved' : 'Copied'} ${result.copied} object${result.copied === 1 ? '' : 's'}, ${result.bytes} bytes (${formatBytes(result.bytes)})${how}${skipped}${deleted} in ${result.seconds.toFixed(2)} s, ${formatRate(result.bytes, result.seconds)}\n`,
          );
          if (result.failures.length > 0) throw new Error(`${result.failures.length} object${result.failures.length === 1 ? '' : 's'} failed (listed above); run the same command again to retry them (the others are done and are passed over).`);
        } finally {
          progress.stop();
          engine.close();
          from?.close();
        }
      });
  }

  withHeaderOptions(withCommonOptions(
    program
      .command('set-headers')
      .description('change headers of objects in place (server-side copies: no bytes are downloaded), keeping every header and metadata entry not named')
      .argument('<location>', 's3://bucket/key, or s3://bucket/prefix/ for every object below it'),
  ))
    .option('--content-type <value>', 'Content-Type header')
    .option('--remove <name>', 'drop this header or metadata entry, e.g. expires or x-amz-meta-build (repeatable)', (name: string, all: string[] = []) => [...all, name])
    .option('--dry-run', "print each object's headers as they would be, and change nothing")
    .action(async (location: string, flags: CommonFlags & Record<string, unknown> & { rules?: string; remove?: string[]; dryRun?: boolean }) => {
      const { bucket, key } = parseS3Url(location);
      const rules = flags.rules === undefined ? undefined : await loadRules(flags.rules);
      const set = headersFrom(flags);
      if (!rules && !set && !flags.remove?.length) throw new FerryError('InvalidInput', 'say what to change: --cache-control, --content-type, --header "Name: value", --remove NAME or --rules.');
      const isPrefix = key === '' || key.endsWith('/');
      const signal = interruptSignal();
      const engine = await engineFor(flags);
      const progress = new CountLine(process.stderr, flags.quiet || flags.dryRun === true);
      try {
        const result = await engine.changeHeaders(
          { bucket, keys: isPrefix ? [] : [key], prefixes: isPrefix ? [key] : [], edit: { set, remove: flags.remove, rules, rulesBase: isPrefix ? key : key.slice(0, key.lastIndexOf('/') + 1) }, dryRun: flags.dryRun },
          {
            signal,
            onProgress: (p) => progress.draw(`set-headers ${p.changed + p.unchanged + p.failed}/${p.objects}${p.listed ? '' : '+'} objects${p.failed > 0 ? `, ${p.failed} failed` : ''}`),
            onPlanned: flags.dryRun ? (planned) => process.stdout.write(plannedText(bucket, planned)) : undefined,
            onResumed: (r) => progress.say(`ferry: resuming the header change of s3://${bucket}/${r.key}: ${r.partsDone} of ${r.parts} parts were already copied.\n`),
          },
        );
        progress.stop();
        for (const failure of result.failures) {
          const hint = failure.error.code === 'NoSuchKey' && !isPrefix ? ` For every object below it, write s3://${bucket}/${key}/.` : '';
          process.stderr.write(`ferry: failed ${failure.item}: ${failure.error.code === 'Unknown' ? '' : `${failure.error.code}: `}${failure.error.message}${hint}\n`);
        }
        const unchanged = result.unchanged > 0 ? `; ${result.unchanged} already had these headers` : '';
        const verb = flags.dryRun ? 'Would change' : 'Changed';
        process.stdout.write(`${verb} the headers of ${result.changed} object${result.changed === 1 ? '' : 's'}${unchanged} (${result.objects} found) in ${result.seconds.toFixed(2)} s${flags.dryRun ? '; nothing was changed (--dry-run)' : ''}.\n`);
        if (result.failures.length > 0) throw new Error(`${result.failures.length} object${result.failures.length === 1 ? '' : 's'} failed (listed above); run the same command again to retry them (the others are done and are passed over).`);
      } finally {
        progress.stop();
        engine.close();
      }
    });

  withHeaderOptions(withCommonOptions(
    program
      .command('sync')
      .description("make a prefix mirror a folder, or a folder mirror a prefix, sending only what changed (size and modification time; --checksum: contents)")
      .argument('<source>', 'a local folder, or s3://bucket/prefix/')
      .argument('<target>', 's3://bucket/prefix/, or a local folder (created if missing)'),
  ))
    .option('--checksum', 'compare contents (the MD5, or the multipart ETag) instead of modification times; reads local files, never downloads')
    .option('--delete', 'remove what is on the target but not on the source (nothing is deleted without it, nor if a transfer failed)')
    .option('--dry-run', 'print each action (upload, download, delete, skip, and why) and change nothing')
    .option('--exclude <glob>', 'leave out paths that match, on both sides (repeatable); without "/" it matches a name at any depth, e.g. "*.tmp" or node_modules', (glob: string, all: string[] = []) => [...all, glob])
    .action(async (from: string, to: string, flags: CommonFlags & Record<string, unknown> & { rules?: string; checksum?: boolean; delete?: boolean; dryRun?: boolean; exclude?: string[] }) => {
      const fromS3 = from.startsWith('s3://');
      const toS3 = to.startsWith('s3://');
      if (fromS3 === toS3) throw new FerryError('InvalidInput', fromS3 ? 'a sync needs one local folder: ferry sync s3://bucket/prefix/ <folder>.' : 'a sync needs one S3 location: ferry sync <folder> s3://bucket/prefix/.');
      const remote = parseS3Url(fromS3 ? from : to);
      const folder = fromS3 ? to : from;
      const rules = flags.rules === undefined ? undefined : await loadRules(flags.rules);
      const signal = interruptSignal();
      const engine = await engineFor(flags);
      const progress = new CountLine(process.stderr, flags.quiet === true || flags.dryRun === true);
      let line: ProgressLine | undefined;
      try {
        const plan = await engine.planSync(
          { direction: fromS3 ? 'down' : 'up', folder, bucket: remote.bucket, prefix: remote.key, compare: flags.checksum ? 'checksum' : 'time', delete: flags.delete, exclude: flags.exclude, rules, headers: headersFrom(flags) },
          signal,
        );
        progress.stop();
        for (const refused of plan.refused) process.stderr.write(`ferry: refused ${refused.item}: ${refused.error.message}\n`);
        for (const skipped of plan.skipped) process.stderr.write(`ferry: skipped ${skipped.path}: ${skipped.reason}\n`);
        const { counts } = plan;
        if (flags.dryRun) {
          for (const action of plan.actions) process.stdout.write(`${actionLine(action, remote.bucket)}\n`);
          process.stdout.write(`Would create ${counts.create}, update ${counts.update} and delete ${counts.delete}${counts.folders > 0 ? `, and make ${counts.folders} empty folder${counts.folders === 1 ? '' : 's'}` : ''}; ${counts.unchanged} unchanged (${formatBytes(plan.bytes.send)} to send); nothing was changed (--dry-run); compared in ${plan.seconds.toFixed(2)} s${readTimes(plan.heads)}.\n`);
          syncNotes(plan.extra, counts.excluded);
          if (plan.refused.length > 0) throw new Error(`${plan.refused.length} name${plan.refused.length === 1 ? '' : 's'} cannot make the round trip (listed above).`);
          return;
        }
        const kind = plan.input.direction === 'up' ? 'upload' : 'download';
        const transfers = plan.actions.filter((a) => a.kind === kind);
        const output = holdableStderr();
        line = new ProgressLine(output.out, 'sync', plan.bytes.send, transfers.length, flags.quiet);
        const shown = line;
        const unsubscribe = engine.on((e) => shown.onEvent(e));
        const result = await engine.runSync(plan, signal, (action, error) => {
          shown.clear();
          if (error) process.stderr.write(`ferry: failed ${actionLine(action, remote.bucket)}: ${error.code === 'Unknown' ? '' : `${error.code}: `}${error.message}\n`);
          else if (!flags.quiet) process.stdout.write(`${actionLine(action, remote.bucket)}\n`);
        });
        unsubscribe();
        line.stop();
        if (result.deletionsHeld > 0) process.stderr.write(`ferry: ${result.deletionsHeld} deletion${result.deletionsHeld === 1 ? ' was' : 's were'} not made because a transfer failed; run the sync again.\n`);
        const folders = result.folders > 0 ? `, ${result.folders} empty folder${result.folders === 1 ? '' : 's'} made` : '';
        process.stdout.write(`Synced: ${result.created} created, ${result.updated} updated, ${result.deleted} deleted, ${result.unchanged} unchanged${folders}; ${formatBytes(result.bytes)} in ${(plan.seconds + result.seconds).toFixed(2)} s (comparing took ${plan.seconds.toFixed(2)} s${readTimes(plan.heads)}).\n`);
        if (result.alreadyDone > 0) process.stderr.write(`ferry: resuming: ${result.alreadyDone} files were done before the interruption and were not sent again.\n`);
        syncNotes(plan.extra, counts.excluded);
        if (result.failures.length > 0) throw new Error(`${result.failures.length} item${result.failures.length === 1 ? '' : 's'} failed (listed above); run the same command again to retry them (what is done is passed over).`);
        if (plan.refused.length > 0) throw new Error(`${plan.refused.length} name${plan.refused.length === 1 ? '' : 's'} cannot make the round trip (listed above); left as they are.`);
      } finally {
        line?.stop();
        progress.stop();
        engine.close();
      }
    });

  withReplicaOptions(withCommonOptions(
    program
      .command('ls')
      .description('list buckets, or the folders and objects under a prefix (when the endpoint is down: the replica, else the last listing kept)')
      .argument('[location]', 's3://bucket/prefix/ (none: list buckets)')
      .option('-r, --recursive', 'every object below the prefix, not only one level'),
  )).action(async (location: string | undefined, flags: CommonFlags & ReplicaFlags & { recursive?: boolean }) => {
    const replica = replicaOf(flags);
    const engine = await engineFor(flags, undefined, replica ? FAILOVER_SETTINGS : {});
    try {
      if (!location) {
        for (const bucket of await engine.listBuckets()) process.stdout.write(`${bucket.name}\n`);
        return;
      }
      await listLocation(engine, replica, flags, location);
    } finally {
      engine.close();
    }
  });

  program
    .command('transfers')
    .description('list interrupted transfers that the same upload, download, copy or set-headers command resumes')
    .action(async () => {
      const journal = new Journal(defaultStateDir());
      const [records, copies] = await Promise.all([journal.list(), journal.listCopies()]);
      if (records.length + copies.length === 0) process.stdout.write('No interrupted transfers.\n');
      for (const r of records) {
        const phase = r.kind === 'upload' ? uploadPhase(r) : undefined;
        const done =
          phase === 'aborting'
            ? 'to clean up (cancelled; the incomplete upload is aborted on the next run or with ferry uploads --abort)'
            : phase === 'creating'
              ? 'starting (interrupted while the upload was being created)'
              : r.kind === 'upload'
                ? `${r.parts.length} of ${Math.ceil(r.size / r.partSize)} parts`
                : `${r.ranges.length} of ${Math.ceil(r.size / r.rangeSize)} ranges`;
        const local = r.kind === 'upload' ? r.source : r.target;
        const arrow = r.kind === 'upload' ? `${local} → s3://${r.bucket}/${r.key}` : `s3://${r.bucket}/${r.key} → ${local}`;
        process.stdout.write(`${utcSeconds(r.updatedAt)}  ${r.kind.padEnd(8)} ${formatBytes(r.size).padStart(10)}  ${done}  ${arrow}\n`);
      }
      // Copies in parts (ferry copy across accounts or above CopyObject's limit, ferry set-headers on a large object).
      for (const r of copies) {
        const done = `${r.parts.length} of ${Math.ceil(r.size / r.partSize)} parts`;
        process.stdout.write(`${utcSeconds(r.updatedAt)}  ${'copy'.padEnd(8)} ${formatBytes(r.size).padStart(10)}  ${done}  → s3://${r.bucket}/${r.key}\n`);
      }
    });

  withCommonOptions(
    program
      .command('uploads')
      .description('list the incomplete multipart uploads of a bucket (they cost storage until aborted)')
      .argument('<location>', 's3://bucket or s3://bucket/prefix')
      .option('--abort', 'abort every listed upload'),
  ).action(async (location: string, flags: CommonFlags & { abort?: boolean }) => {
    const { bucket, key: prefix } = parseS3Url(location);
    const engine = await engineFor(flags);
    try {
      const uploads = await engine.listIncompleteUploads(bucket, prefix);
      if (uploads.length === 0) process.stdout.write('No incomplete multipart uploads.\n');
      const now = Date.now();
      for (const u of uploads) {
        const age = u.initiated ? formatAge(now - u.initiated.getTime()) : '?';
        process.stdout.write(`${age.padStart(6)}  ${String(u.parts).padStart(5)} parts  ${formatBytes(u.bytes).padStart(10)}  ${u.key}  (${u.uploadId})\n`);
      }
      if (flags.abort && uploads.length > 0) {
        await engine.abortUploads(bucket, uploads);
        process.stdout.write(`Aborted ${uploads.length} upload${uploads.length === 1 ? '' : 's'}.\n`);
      }
    } finally {
      engine.close();
    }
  });

  return program;
}

/** --dry-run of set-headers: the object, then its headers as they would be: + added, ~ changed (with what it was), - removed. */
function plannedText(bucket: string, planned: PlannedHeaderChange): string {
  const name = (line: string) => line.slice(0, line.indexOf(':')).toLowerCase();
  const before = new Map(headerLines(planned.before).map((line) => [name(line), line]));
  const after = headerLines(planned.after);
  const lines = after.map((line) => {
    const was = before.get(name(line));
    if (was === line) return `  ${line}`;
    return was === undefined ? `+ ${line}` : `~ ${line}  (was: ${was.slice(was.indexOf(':') + 1).trim()})`;
  });
  const kept = new Set(after.map(name));
  for (const [header, line] of before) if (!kept.has(header)) lines.push(`- ${line}`);
  return `s3://${bucket}/${planned.key}${planned.changes ? '' : '  (unchanged)'}\n${lines.map((l) => `  ${l}\n`).join('')}`;
}

/** A one-line count that redraws on a terminal (nothing otherwise); messages printed above it. */
class CountLine {
  private shown = false;
  constructor(private readonly out: NodeJS.WriteStream, private readonly quiet: boolean) {}

  draw(text: string): void {
    if (this.quiet || !this.out.isTTY) return;
    this.out.write(`\r\x1b[2K${text}`);
    this.shown = true;
  }

  say(text: string): void {
    this.stop();
    this.out.write(text);
  }

  stop(): void {
    if (this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}

/** How many objects' stored times a sync had to read (not known from an earlier sync). */
function readTimes(heads: number): string {
  return heads > 0 ? `, ${heads} object time${heads === 1 ? '' : 's'} read with HEAD` : '';
}

/** What a sync left alone, said once at the end. */
function syncNotes(extra: number, excluded: number): void {
  if (extra > 0) process.stderr.write(`ferry: ${extra} item${extra === 1 ? ' is' : 's are'} on the target but not on the source; kept (--delete removes them).\n`);
  if (excluded > 0) process.stderr.write(`ferry: ${excluded} item${excluded === 1 ? '' : 's'} left out by --exclude.\n`);
}

/** The version in package.json: two folders up from this file, as from the bundle (dist/cli/ferry.cjs). */
function ferryVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(text) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A time as the command line prints it: "2026-12-04 11:01:05" (UTC, to the second). */
function utcSeconds(time: Date | string): string {
  return (typeof time === 'string' ? time : time.toISOString()).slice(0, 19).replace('T', ' ');
}

/**
 * `ferry upload … --via URL`: the planned files sent to a Ferry host (relay/sender.ts), which
 * uploads them with its own account; the batch is named by what was asked, so running the same
 * command again sends only what the host has not finished. Targets that exist are replaced: asking
 * the bucket first would cost the round trip per file the relay is there to save.
 */
async function relayCommand(via: string, paths: string[], target: { bucket: string; key: string }, plan: Awaited<ReturnType<typeof planUploads>>, totalBytes: number, quiet: boolean, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  const prefix = target.key === '' || target.key.endsWith('/') ? target.key : '';
  const batch = createHash('sha256').update(JSON.stringify([paths.map((p) => path.resolve(p)), target.bucket, target.key])).digest('hex').slice(0, 32);
  const files = plan.files.map((f) => ({ path: f.source, name: f.key.slice(prefix.length), size: f.size, headers: f.headers }));
  let bytes = 0;
  let done = 0;
  const progress = new CountLine(process.stderr, quiet);
  const result = await relayUpload({ url: via, bucket: target.bucket, prefix, batch }, files, {
    signal,
    onLine: (line) => {
      if (line.ok) {
        done++;
        bytes += line.bytes;
      } else process.stderr.write(`ferry: failed ${line.name}: ${line.error.code}: ${line.error.message}\n`);
      progress.draw(`relay ${done}/${files.length} files, ${formatBytes(bytes)} of ${formatBytes(totalBytes)}`);
    },
  }).catch((error: unknown) => {
    progress.stop();
    if (signal.aborted) throw new FerryError('Cancelled', `${done} file${done === 1 ? '' : 's'} reached the bucket through the relay; the same command sends the rest.`);
    throw error;
  });
  progress.stop();
  const seconds = (performance.now() - started) / 1000;
  if (result.alreadyDone > 0) process.stderr.write(`ferry: resuming: ${result.alreadyDone} of ${result.files} files were done before the interruption and were not sent again.\n`);
  process.stdout.write(`Uploaded ${result.sent} file${result.sent === 1 ? '' : 's'}, ${bytes} bytes (${formatBytes(bytes)}) through the relay ${new URL(via).host} in ${seconds.toFixed(2)} s, ${formatRate(bytes, seconds)}\n`);
  if (result.failed.length > 0) throw new Error(`${result.failed.length} file${result.failed.length === 1 ? '' : 's'} failed (listed above); run the same command again to send them (the others are done and are passed over).`);
}

/**
 * `ferry download --replica`: files that failed because the primary stopped answering mid-way
 * (refused, timed out, 5xx after retries) are downloaded from the replica, to the same local names;
 * what the primary delivered stays. Undefined when nothing failed that way.
 */
async function downloadRestFromReplica(
  plan: DownloadPlan,
  result: BatchResult,
  replica: NonNullable<ReturnType<typeof replicaOf>>,
  flags: CommonFlags & ReplicaFlags,
  signal: AbortSignal,
  line: ProgressLine | undefined,
): Promise<{ engine: TransferEngine; result: BatchResult } | undefined> {
  const down = result.failures.filter((f) => primaryDown(new FerryError(f.error.code, f.error.message)));
  const failed = new Set(down.map((f) => f.item));
  const left = plan.files.filter((job) => failed.has(`s3://${job.bucket}/${job.key}`));
  if (left.length === 0) return undefined;
  const place = replica.place;
  line?.clear();
  process.stderr.write(`ferry: s3://${plan.bucket}/ stopped answering mid-way: ${reason(new FerryError(down[0]?.error.code ?? 'Unknown', down[0]?.error.message ?? ''))}; downloading the ${left.length} file${left.length === 1 ? '' : 's'} left from the replica s3://${place.bucket}/${place.prefix} instead.\n`);
  const engine = await engineFor({ ...flags, ...replica.account });
  if (line) engine.on((e) => line.onEvent(e));
  // These targets were settled by the first pass (its --if-exists): they are written, whatever is there.
  const rest = await engine.runDownloads(
    { ...plan, bucket: place.bucket, keyOrPrefix: replicaKey(place, plan.keyOrPrefix), files: left.map((job) => ({ ...job, bucket: place.bucket, key: replicaKey(place, job.key), listed: undefined })), folders: [], refused: [] },
    signal,
    { ifExists: 'overwrite' },
  );
  return {
    engine,
    result: {
      ...result,
      done: result.done + rest.done,
      bytes: result.bytes + rest.bytes,
      resumedBytes: result.resumedBytes + rest.resumedBytes,
      seconds: result.seconds + rest.seconds,
      failures: [...result.failures.filter((f) => !failed.has(f.item)), ...rest.failures],
      skipped: [...result.skipped, ...rest.skipped],
      renamed: [...result.renamed, ...rest.renamed],
    },
  };
}

/** One page of `ferry ls` as text: folders, then objects with their time and size. */
function listText(page: { prefixes: string[]; objects: ListEntry[] }): string {
  let text = '';
  for (const p of page.prefixes) text += `${''.padEnd(19)} ${'PRE'.padStart(12)} ${p}\n`;
  for (const o of page.objects) {
    const when = o.lastModified ? utcSeconds(o.lastModified) : ''.padEnd(19);
    text += `${when} ${String(o.size).padStart(12)} ${o.key}\n`;
  }
  return text;
}

/**
 * `ferry ls s3://bucket/prefix/`: from the primary; when it is down, from the replica (keys named as
 * the primary names them); when that is down too (or there is none), one level seen before, from
 * the listing cache, said to be as old as it is. Every level listed whole is kept in the cache.
 */
async function listLocation(engine: TransferEngine, replica: ReturnType<typeof replicaOf>, flags: CommonFlags & ReplicaFlags & { recursive?: boolean }, location: string): Promise<void> {
  const { bucket, key: prefix } = parseS3Url(location);
  const delimiter = flags.recursive ? undefined : '/';
  const cache = new ListingCache(defaultStateDir());
  let printed = false;
  // Pages as they come (one write each: a pipe's reader gets a page at a time), and a level's whole for the cache.
  const list = async (from: TransferEngine, listBucket: string, listPrefix: string, name: (key: string) => string) => {
    const seen = { prefixes: [] as string[], objects: [] as ListEntry[] };
    for await (const page of from.listPages({ bucket: listBucket, prefix: listPrefix, delimiter })) {
      const named = { prefixes: page.prefixes.map(name), objects: page.objects.map((o) => ({ ...o, key: name(o.key) })) };
      printed = true;
      if (!process.stdout.write(listText(named))) await new Promise((resolve) => process.stdout.once('drain', resolve));
      if (delimiter && seen.objects.length + seen.prefixes.length <= MAX_CACHED_ENTRIES) {
        seen.prefixes.push(...named.prefixes);
        seen.objects.push(...named.objects);
      }
    }
    if (delimiter) await cache.save(engine.server, bucket, prefix, seen);
  };
  const reasons: string[] = [];
  try {
    return await list(engine, bucket, prefix, (key) => key);
  } catch (error) {
    if (printed || !primaryDown(error)) throw error;
    reasons.push(`s3://${bucket}/ cannot be reached: ${reason(error)}`);
    if (!replica) {
      const cached = await cachedListing(cache, engine.server, bucket, prefix, delimiter, reasons);
      if (cached) return;
      throw error;
    }
  }
  const where = `s3://${replica.place.bucket}/${replicaKey(replica.place, prefix)}`;
  const from = await engineFor({ ...flags, ...replica.account }, undefined, FAILOVER_SETTINGS);
  try {
    process.stderr.write(`ferry: ${reasons[0]}; listing the replica ${where} instead.\n`);
    return await list(from, replica.place.bucket, replicaKey(replica.place, prefix), (key) => primaryKey(replica.place, key));
  } catch (error) {
    if (printed || !primaryDown(error)) throw error;
    reasons.push(`the replica ${where} cannot be reached either: ${reason(error)}`);
    if (await cachedListing(cache, engine.server, bucket, prefix, delimiter, reasons.slice(1))) return;
    throw new FerryError(asFerryError(error).code, `${reasons[1]}; no listing of s3://${bucket}/${prefix} was kept from before.`);
  } finally {
    from.close();
  }
}

/** Prints the level kept from an earlier listing, with its age and why it is shown; false when none was kept (or the listing is recursive). */
async function cachedListing(cache: ListingCache, server: string, bucket: string, prefix: string, delimiter: string | undefined, reasons: string[]): Promise<boolean> {
  const cached = delimiter ? await cache.load(server, bucket, prefix) : undefined;
  if (!cached) return false;
  const when = utcSeconds(new Date(cached.at));
  process.stderr.write(`ferry: ${reasons.join('; ')}.\nferry: stale: showing s3://${bucket}/${prefix} as it was listed ${formatDuration((Date.now() - cached.at) / 1000)} ago (${when} UTC); it may have changed since.\n`);
  process.stdout.write(listText(cached));
  return true;
}

function formatAge(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes}m`;
  if (minutes < 48 * 60) return `${Math.floor(minutes / 60)}h`;
  return `${Math.floor(minutes / 1440)}d`;
}

const LOOP_SAMPLE_MS = 10;

export async function main(argv: string[]): Promise<number> {
  // For benchmarks: how late the event loop ran a timer (p99), printed when the command ends.
  // monitorEventLoopDelay samples the time between its timer's runs, so each sample is its interval
  // plus the lateness (an idle loop reads about 10 ms at a 10 ms interval): the interval is taken off.
  const loopDelay = process.env.FERRY_REPORT_LOOP_DELAY ? monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS }) : undefined;
  loopDelay?.enable();
  try {
    await buildProgram().exitOverride().parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) return (error as { exitCode?: number }).exitCode ?? 2;
    const ferryError = asFerryError(error);
    process.stderr.write(`ferry: ${ferryError.code === 'Unknown' ? '' : `${ferryError.code}: `}${oneLine(ferryError.message)}\n`);
    return ferryError.code === 'Cancelled' ? 130 : 1;
  } finally {
    if (loopDelay) {
      loopDelay.disable();
      process.stderr.write(`ferry-loop-delay-p99-ms: ${Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_SAMPLE_MS).toFixed(1)}\n`);
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

// Run when executed directly (tsx electron/cli/main.ts …), not when imported by tests.
if (process.argv[1] && /cli[\\/]main\.(ts|js)$/.test(process.argv[1])) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
