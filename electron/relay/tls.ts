// TLS for a host reached beyond loopback: a certificate given, or a self-signed one made at start
// whose SHA-256 fingerprint the host prints and the desktop pins (no certificate authority needed
// for a machine of one's own, and no trust-on-first-use prompt either: the URL carries the pin).

import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { generate } from 'selfsigned';
import { FerryError } from '../engine/errors.js';

export interface HostTls {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, hex with colons as Node prints it (getPeerCertificate().fingerprint256). */
  fingerprint: string;
  /** Made at start: the printed address carries the fingerprint for the client to pin. */
  selfSigned: boolean;
}

// A self-signed certificate lives as long as the host that made it: a year is plenty.
const SELF_SIGNED_DAYS = 365;

/** The certificate and key given (PEM files), or a self-signed certificate for `names`. */
export async function hostTls(given: { certFile?: string; keyFile?: string }, names: string[]): Promise<HostTls> {
  if ((given.certFile === undefined) !== (given.keyFile === undefined)) throw new FerryError('InvalidInput', 'Give --tls-cert and --tls-key together.');
  if (given.certFile !== undefined && given.keyFile !== undefined) {
    const [cert, key] = await Promise.all([readFile(given.certFile, 'utf8'), readFile(given.keyFile, 'utf8')]);
    return { cert, key, fingerprint: new X509Certificate(cert).fingerprint256, selfSigned: false };
  }
  const notBeforeDate = new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const unique = [...new Set(names)];
  const pems = await generate([{ name: 'commonName', value: unique[0] ?? 'ferry' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [{ name: 'subjectAltName', altNames: unique.map((name) => (isIP(name) ? { type: 7, ip: name } : { type: 2, value: name })) }],
  });
  return { cert: pems.cert, key: pems.private, fingerprint: new X509Certificate(pems.cert).fingerprint256, selfSigned: true };
}

/** A pin as the URL carries it ("sha256:AB:CD…" or plain hex) in the form Node prints fingerprints. */
export function normalPin(pin: string): string {
  const hex = pin.replace(/^sha256:/i, '').replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new FerryError('InvalidInput', `"${pin}" is not a SHA-256 fingerprint (64 hex digits, colons allowed).`);
  return hex.match(/../g)!.join(':');
}
