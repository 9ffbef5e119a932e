// Reads a rules file (shared/publishRules.ts) into matchers, refusing what it cannot use with the
// line and the reason before anything is sent, and gives each key of an upload its headers: its
// type from its name, then the first matching rule's, then the command's own flags.

import picomatch from 'picomatch';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { METADATA_PREFIX, PRESETS, RULE_HEADERS, type PublishRules } from '../../shared/publishRules.js';
import type { ObjectHeaders } from '../../shared/transfer.js';
import type { UploadPlan } from './batchPlan.js';
import { contentTypeFor } from './contentType.js';
import { FerryError } from './errors.js';
import { WIRE_NAMES, wireHeaders, type HeaderField } from './headerValues.js';

type RuleHeader = (typeof RULE_HEADERS)[number];

export { WIRE_NAMES, type HeaderField } from './headerValues.js';

const FIELD = Object.fromEntries(Object.entries(WIRE_NAMES).map(([field, wire]) => [wire.toLowerCase(), field])) as Record<RuleHeader, HeaderField>;

// S3's storage classes and canned ACLs (the API reference's lists); a typo is refused, not sent.
const STORAGE_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS', 'GLACIER_IR', 'SNOW', 'EXPRESS_ONEZONE'];
const CANNED_ACLS = ['private', 'public-read', 'public-read-write', 'authenticated-read', 'aws-exec-read', 'bucket-owner-read', 'bucket-owner-full-control'];

export interface CompiledRule {
  match: string;
  test: (key: string) => boolean;
  headers: ObjectHeaders;
}

export class RuleSet {
  constructor(readonly rules: CompiledRule[]) {}

  /** The first matching rule's headers for a key relative to the destination prefix, if any. */
  headersFor(relativeKey: string): ObjectHeaders | undefined {
    return this.rules.find((rule) => rule.test(relativeKey))?.headers;
  }
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** One header, named as on the wire, into the ObjectHeaders field it fills; throws the reason. */
export function setHeader(headers: ObjectHeaders, name: string, value: string): void {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith(METADATA_PREFIX) && lower.length > METADATA_PREFIX.length) {
    headers.metadata = { ...headers.metadata, [lower.slice(METADATA_PREFIX.length)]: value };
    return;
  }
  const field = FIELD[lower as RuleHeader];
  if (!field) throw new FerryError('InvalidInput', `"${name}" is not a header Ferry sets (${[...RULE_HEADERS, `${METADATA_PREFIX}<name>`].join(', ')}).`);
  if (field === 'storageClass' && !STORAGE_CLASSES.includes(value)) throw new FerryError('InvalidInput', `x-amz-storage-class "${value}" is not one of ${STORAGE_CLASSES.join(', ')}.`);
  if (field === 'acl' && !CANNED_ACLS.includes(value)) throw new FerryError('InvalidInput', `x-amz-acl "${value}" is not one of ${CANNED_ACLS.join(', ')}.`);
  headers[field] = value;
}

/** Drops one header, named as on the wire (x-amz-meta-NAME: that metadata entry); throws for a name Ferry does not set. */
export function clearHeader(headers: ObjectHeaders, name: string): void {
  const lower = name.trim().toLowerCase();
  if (lower.startsWith(METADATA_PREFIX) && lower.length > METADATA_PREFIX.length) {
    if (headers.metadata) {
      const { [lower.slice(METADATA_PREFIX.length)]: _dropped, ...rest } = headers.metadata;
      headers.metadata = rest;
    }
    return;
  }
  const field = FIELD[lower as RuleHeader];
  if (!field) throw new FerryError('InvalidInput', `"${name}" is not a header Ferry changes (${[...RULE_HEADERS, `${METADATA_PREFIX}<name>`].join(', ')}).`);
  delete headers[field];
}

/** `Name: value` (the command line's --header) into the headers. */
export function setHeaderLine(headers: ObjectHeaders, line: string): void {
  const colon = line.indexOf(':');
  if (colon <= 0) throw new FerryError('InvalidInput', `--header takes "Name: value", not "${line}".`);
  setHeader(headers, line.slice(0, colon), line.slice(colon + 1).trim());
}

/** Compiles rules (a preset's, or a parsed file's); `where` names an item for errors (`rules.json:4`). */
export function compileRules(rules: PublishRules, where: (index: number, header?: string) => string = (i) => `rule ${i + 1}`): RuleSet {
  return new RuleSet(
    rules.rules.map((rule, index) => {
      const headers: ObjectHeaders = {};
      for (const [name, value] of Object.entries(rule.headers)) {
        try {
          setHeader(headers, name, value);
        } catch (error) {
          throw new FerryError('InvalidInput', `${where(index, name)}: ${(error as Error).message}`);
        }
      }
      try {
        // What cannot be sent (a non-ASCII Cache-Control, a date that is not one) is refused here, not mid-upload.
        wireHeaders(headers);
      } catch (error) {
        throw new FerryError('InvalidInput', `${where(index)}: ${(error as Error).message}`);
      }
      return { match: rule.match, test: picomatch(rule.match, { dot: true }), headers };
    }),
  );
}

/**
 * A rules file's text, or a preset's name: refused with `source:line: reason` when it is not JSON,
 * not of the documented shape, or names a header Ferry does not set.
 */
export function parseRules(text: string, source: string): RuleSet {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const at = (offset: number) => `${source}:${lineOf(text, offset)}`;
  const first = errors[0];
  if (first) throw new FerryError('InvalidInput', `${at(first.offset)}: not valid JSON (${printParseErrorCode(first.error)}).`);
  const refuse = (node: Node | undefined, reason: string) => new FerryError('InvalidInput', `${at(node?.offset ?? 0)}: ${reason}`);
  if (root?.type !== 'object') throw refuse(root, 'a rules file is an object: {"rules": [{"match": "**/*.html", "headers": {"Cache-Control": "no-cache"}}]}.');
  const rulesNode = root.children?.find((p) => p.children?.[0]?.value === 'rules')?.children?.[1];
  if (rulesNode?.type !== 'array') throw refuse(rulesNode ?? root, '"rules" must be a list of {"match": …, "headers": {…}}.');
  const ruleNodes = rulesNode.children ?? [];
  const rules: PublishRules = { rules: [] };
  for (const node of ruleNodes) {
    if (node.type !== 'object') throw refuse(node, 'each rule is an object with "match" and "headers".');
    const property = (name: string) => node.children?.find((p) => p.children?.[0]?.value === name)?.children?.[1];
    for (const p of node.children ?? []) {
      const name = p.children?.[0]?.value as string;
      if (name !== 'match' && name !== 'headers') throw refuse(p, `unknown field "${name}" in a rule (a rule has "match" and "headers").`);
    }
    const match = property('match');
    if (match?.type !== 'string' || (match.value as string).trim() === '') throw refuse(match ?? node, '"match" must be a glob such as "**/*.html".');
    const headers = property('headers');
    if (headers?.type !== 'object') throw refuse(headers ?? node, '"headers" must be an object of header names and values.');
    const values: Record<string, string> = {};
    for (const p of headers.children ?? []) {
      const [nameNode, valueNode] = p.children ?? [];
      if (valueNode?.type !== 'string') throw refuse(valueNode ?? p, `the value of "${String(nameNode?.value)}" must be a string.`);
      values[nameNode?.value as string] = valueNode.value as string;
    }
    rules.rules.push({ match: match.value as string, headers: values });
  }
  return compileRules(rules, (index, header) => {
    const node = ruleNodes[index];
    const headerNode = header === undefined ? undefined : node?.children?.find((p) => p.children?.[0]?.value === 'headers')?.children?.[1]?.children?.find((p) => p.children?.[0]?.value === header);
    return at((headerNode ?? node)?.offset ?? 0);
  });
}

/** Headers as `Name: value` lines, in the order of the rules format (for --dry-run and the app's table). */
export function headerLines(headers: ObjectHeaders | undefined): string[] {
  if (!headers) return [];
  const lines: string[] = [];
  for (const name of RULE_HEADERS) {
    const value = headers[FIELD[name]];
    if (value !== undefined) lines.push(`${WIRE_NAMES[FIELD[name]]}: ${value}`);
  }
  for (const [name, value] of Object.entries(headers.metadata ?? {})) lines.push(`${METADATA_PREFIX}${name}: ${value}`);
  return lines;
}


/** A preset by name (`static-site`), or undefined. */
export function presetRules(name: string): RuleSet | undefined {
  const preset = PRESETS[name];
  return preset && compileRules(preset.rules, (i) => `preset ${name}, rule ${i + 1}`);
}

/**
 * Each file's headers: the type its name gives, then the first matching rule's, then `overrides`
 * (the command's single flags), user metadata merged in the same order.
 */
export function applyRules(plan: UploadPlan, rules: RuleSet | undefined, overrides: ObjectHeaders | undefined): UploadPlan {
  return {
    ...plan,
    files: plan.files.map((file) => {
      const rule = rules?.headersFor(relativeKey(plan, file.key));
      const headers: ObjectHeaders = { contentType: contentTypeFor(file.source), ...file.headers, ...rule, ...overrides };
      const metadata = { ...file.headers?.metadata, ...rule?.metadata, ...overrides?.metadata };
      if (Object.keys(metadata).length > 0) headers.metadata = metadata;
      for (const key of Object.keys(headers) as (keyof ObjectHeaders)[]) if (headers[key] === undefined) delete headers[key];
      return { ...file, headers };
    }),
  };
}

/** A key as the rules see it: below the destination prefix (a single file sent to an exact key: its name). */
export function relativeKey(plan: Pick<UploadPlan, 'destination' | 'sources'>, key: string): string {
  const { destination } = plan;
  const asPrefix = destination === '' || destination.endsWith('/') || plan.sources.length > 1;
  if (!asPrefix) return key.slice(key.lastIndexOf('/') + 1);
  const prefix = destination === '' || destination.endsWith('/') ? destination : `${destination}/`;
  return key.startsWith(prefix) ? key.slice(prefix.length) : key;
}
