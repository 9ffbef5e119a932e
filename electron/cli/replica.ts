// The command line's replica: where reads go when the primary is down (`--replica s3://bucket/prefix/`
// with the replica's endpoint, profile or app account), and how a command says it used one.

import { Option, type Command } from 'commander';
import { FerryError, asFerryError } from '../engine/errors.js';
import { asSentence, type ReplicaPlace } from '../engine/failover.js';
import type { TransferSettings } from '../engine/settings.js';
import { parseS3Url } from '../engine/keyPath.js';

export interface ReplicaFlags {
  replica?: string;
  replicaEndpoint?: string;
  replicaProfile?: string;
  replicaAccount?: string;
  replicaRegion?: string;
}

// With a replica to turn to, the primary is given up on after this long (connection refused,
// timeouts, 5xx after retries) instead of waiting for it as a transfer otherwise does.
export const FAILOVER_AFTER_MS = 5_000;
export const FAILOVER_SETTINGS: Partial<TransferSettings> = { interactiveTimeoutMs: FAILOVER_AFTER_MS, offlineWaitMs: FAILOVER_AFTER_MS };

export function withReplicaOptions(command: Command): Command {
  return command
    .option('--replica <location>', 's3://bucket/prefix/ that holds the same objects under the same names: read from there when the primary is down')
    .option('--replica-endpoint <url>', "the replica's endpoint URL (default: the primary's)")
    .option('--replica-profile <name>', "the replica's account: this profile of ~/.aws")
    .option('--replica-account <name>', "the replica's account: this account of the app")
    .addOption(new Option('--replica-region <region>', "the replica's region (default: the profile's, or the primary's)"));
}

/** The replica's place, and the account flags its engine is made with; undefined without --replica. */
export function replicaOf(flags: ReplicaFlags & { region?: string; endpoint?: string; profile?: string; account?: string }): { place: ReplicaPlace; account: { endpoint?: string; region?: string; profile?: string; account?: string } } | undefined {
  const given = flags.replicaEndpoint ?? flags.replicaProfile ?? flags.replicaAccount ?? flags.replicaRegion;
  if (!flags.replica) {
    if (given !== undefined) throw new FerryError('InvalidInput', 'Name the replica with --replica s3://bucket/prefix/ (the other --replica-… options say how to reach it).');
    return undefined;
  }
  if (flags.replicaProfile !== undefined && flags.replicaAccount !== undefined) throw new FerryError('InvalidInput', 'Give --replica-profile or --replica-account, not both.');
  const { bucket, key } = parseS3Url(flags.replica);
  if (key !== '' && !key.endsWith('/')) throw new FerryError('InvalidInput', `--replica names a bucket and a prefix, ending in "/": s3://${bucket}/${key}/.`);
  // Its own account when one is named; else the primary's, with the replica's endpoint and region where given.
  const own = flags.replicaProfile !== undefined || flags.replicaAccount !== undefined;
  return {
    place: { bucket, prefix: key },
    account: {
      endpoint: flags.replicaEndpoint ?? (own ? undefined : flags.endpoint),
      region: flags.replicaRegion ?? (own ? undefined : flags.region),
      profile: own ? flags.replicaProfile : flags.profile,
      account: own ? flags.replicaAccount : flags.account,
    },
  };
}

/** An error's sentence (asSentence) as a clause of a longer one: "the server … refused the connection (gave up after 7 attempts over 5 s)". */
export function reason(error: unknown): string {
  const clause = asSentence(asFerryError(error).message).replace(/\.$/, '');
  return clause.charAt(0).toLowerCase() + clause.slice(1);
}
