// Publishing rules: which headers an object gets, by a glob on its key relative to the upload's
// destination prefix. One JSON format that the app edits and the command line reads (README,
// "Publishing rules"); the first rule that matches wins. Plain data, and the presets Ferry ships.

export interface PublishRule {
  /** A glob (picomatch) on the key below the destination prefix: `**\/*.html`, `assets/**`. */
  match: string;
  /** Header names as on the wire (any case): Cache-Control, Content-Type, x-amz-meta-*… */
  headers: Record<string, string>;
}

export interface PublishRules {
  rules: PublishRule[];
}

/** The headers a rule may set (lower case); plus any `x-amz-meta-<name>` (user metadata). */
export const RULE_HEADERS = [
  'cache-control',
  'content-type',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
  'x-amz-storage-class',
  'x-amz-acl',
] as const;

export const METADATA_PREFIX = 'x-amz-meta-';

// A file whose name carries a content hash of at least 8 hex digits after a dot or a dash, the way
// webpack, Parcel and most asset pipelines name them: app.3f9a1c2b.js, main-3F9A1C2B0D.css.
const HEX = '[0-9a-fA-F]';
const HASHED = `**/*[.-]${HEX.repeat(8)}*(${HEX}).*`;

const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';

export const PRESETS: Record<string, { description: string; rules: PublishRules }> = {
  'static-site': {
    description: 'HTML and JSON always revalidated; files named with a content hash cached a year, immutable; other files an hour.',
    rules: {
      rules: [
        { match: '**/*.{html,htm}', headers: { 'Cache-Control': 'no-cache' } },
        { match: '**/*.json', headers: { 'Cache-Control': 'no-cache' } },
        { match: HASHED, headers: { 'Cache-Control': YEAR_IMMUTABLE } },
        { match: '**', headers: { 'Cache-Control': 'public, max-age=3600' } },
      ],
    },
  },
};
