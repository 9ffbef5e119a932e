// The sentence every face of Ferry shows while a transfer waits for a server it cannot reach.

import type { ErrorInfo } from './errors.js';

/** "127.0.0.1:9" from an endpoint URL, "AWS S3 (eu-west-1)" from "aws:eu-west-1". */
export function serverName(server: string): string {
  if (server.startsWith('aws:')) return `AWS S3 (${server.slice(4)})`;
  try {
    return new URL(server).host;
  } catch {
    return server;
  }
}

function why(error: ErrorInfo): string {
  if (error.code === 'Timeout') return 'no answer';
  if (error.code === 'ServerUnavailable') return 'server unavailable';
  if (/refused/i.test(error.message)) return 'connection refused';
  if (/could not be found|ENOTFOUND|EAI_AGAIN/i.test(error.message)) return 'name not found';
  return 'connection lost';
}

/**
 * "cannot reach 127.0.0.1:9 (connection refused); retrying until 18:05, Ctrl-C to stop": the
 * command line and the app say the same, each naming its own way to stop.
 */
export function waitingSentence(server: string, error: ErrorInfo, until: number, howToStop: string): string {
  const at = new Date(until);
  const time = `${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`;
  return `cannot reach ${serverName(server)} (${why(error)}); retrying until ${time}, ${howToStop}`;
}
