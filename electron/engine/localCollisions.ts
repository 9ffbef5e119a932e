// Which keys of one download would land on the same local path, by the rules of the platform's file system.

import { FerryError } from './errors.js';

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS', win32: 'Windows' };

/**
 * The form of `name` the local file system compares: two names with the same result are one file.
 * - darwin (APFS and HFS+ as macOS formats them): case-insensitive and normalisation-insensitive,
 *   so "A.txt" is "a.txt" and "é" composed (NFC) is "é" decomposed (NFD).
 * - win32 (NTFS): case-insensitive, but NFC and NFD stay two names; Windows drops trailing dots and
 *   spaces, so "a." and "a " open "a".
 * - others (Linux, the BSDs): a name is its bytes; nothing folds.
 * Case is folded by upper- then lower-casing, which joins a few names the file systems keep apart
 * ("ß" and "ss"): the error is on the side of reporting a key, never of two writing into one file.
 * A case-sensitive macOS volume or a case-insensitive Linux one (vfat, ext4 casefold) is not
 * detected: the rule is the platform's default format.
 */
export function foldedName(name: string, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return name.normalize('NFD').toUpperCase().toLowerCase().normalize('NFD');
  if (platform === 'win32') {
    const trimmed = name.replace(/[. ]+$/, '');
    return (trimmed === '' ? name : trimmed).toUpperCase().toLowerCase();
  }
  return name;
}

type LocalKind = 'file' | 'folder';

interface Claim {
  key: string;
  kind: LocalKind;
  /** The path below the download's folder as the key spells it, for messages. */
  shown: string;
  /** A download's temporary file rather than a key's own file. */
  temporary: boolean;
}

/**
 * The local paths a download has given out so far, compared as the file system compares them. The
 * first key to claim a path keeps it; a later key that would share it, need a file as a folder or
 * a folder as a file, or land on another download's temporary file is refused: no two downloads
 * ever write into one temporary file. One Map lookup per path segment keeps planning linear.
 * Two folders that fold to one name are no conflict: their files meet in one folder, and files
 * that then share a name are refused as files.
 */
export class LocalPathClaims {
  private readonly taken = new Map<string, Claim>();
  /** Folders already claimed, by their path as keys spell it: the files of one folder fold it once. */
  private readonly folderIds = new Map<string, string>();

  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  /**
   * Claims `relative` (the key below the downloaded prefix; a trailing '/' names a folder) for
   * `key`, every folder above it, and `besides`: other names the download writes in the same folder
   * (its temporary file). Returns the refusal, or undefined when the paths are the key's.
   */
  claim(key: string, relative: string, besides: string[] = []): FerryError | undefined {
    const isFolder = relative.endsWith('/');
    const body = isFolder ? relative.slice(0, -1) : relative;
    const cut = body.lastIndexOf('/');
    const parent = cut < 0 ? '' : body.slice(0, cut);
    const wanted: (Claim & { id: string })[] = [];
    let parentId = parent === '' ? '' : this.folderIds.get(parent);
    if (parentId === undefined) {
      // A folder not seen before: it and every folder above it are claimed (or found to be folders).
      let shown = '';
      parentId = '';
      for (const name of parent.split('/')) {
        parentId = parentId === '' ? this.fold(name) : `${parentId}/${this.fold(name)}`;
        shown = shown === '' ? name : `${shown}/${name}`;
        wanted.push({ id: parentId, key, shown, kind: 'folder', temporary: false });
      }
    }
    const inParent = (name: string) => (parentId === '' ? this.fold(name) : `${parentId}/${this.fold(name)}`);
    const shownInParent = (name: string) => (parent === '' ? name : `${parent}/${name}`);
    const name = body.slice(cut + 1);
    const id = inParent(name);
    wanted.push({ id, key, shown: body, kind: isFolder ? 'folder' : 'file', temporary: false });
    if (!isFolder) for (const other of besides) wanted.push({ id: inParent(other), key, shown: shownInParent(other), kind: 'file', temporary: true });
    const free: (Claim & { id: string })[] = [];
    for (const claim of wanted) {
      const held = this.taken.get(claim.id);
      if (!held) free.push(claim);
      else if (held.kind === 'file' || claim.kind === 'file') return this.refusal(claim, held);
    }
    // Only once the key is known to fit: a refused key claims nothing.
    for (const { id: claimed, ...claim } of free) this.taken.set(claimed, claim);
    if (parent !== '') this.folderIds.set(parent, parentId);
    if (isFolder) this.folderIds.set(body, id);
    return undefined;
  }

  private fold(name: string): string {
    return foldedName(name, this.platform);
  }

  private refusal(wanted: Claim, held: Claim): FerryError {
    const what = (claim: Claim) => (claim.temporary ? `the temporary file of the key "${claim.key}"` : claim.kind === 'folder' ? `a folder for the key "${claim.key}"` : `the file of the key "${claim.key}"`);
    const mine = wanted.temporary ? `its temporary file "${wanted.shown}"` : wanted.kind === 'folder' ? `the local folder "${wanted.shown}" it needs` : `its local file "${wanted.shown}"`;
    const place = PLATFORM_NAMES[this.platform] ?? this.platform;
    const sameName = wanted.shown === held.shown ? '' : ` ("${wanted.shown}" and "${held.shown}" are one name on ${place})`;
    return new FerryError(
      'PathCollision',
      `Not downloaded: s3 key "${wanted.key}" collides locally: ${mine} would be ${what(held)}${sameName}. The first key in the listing keeps the name.`,
    );
  }
}
