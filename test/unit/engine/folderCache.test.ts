import { constants } from 'node:fs';
import { lstat, mkdir, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderCache } from '../../../electron/engine/folderCache.js';
import { openTemp } from '../../../electron/engine/localLinks.js';
import { removeDir, tempDir } from '../../support/files.js';

let base: string;
let root: string;
let outside: string;

beforeEach(async () => {
  base = await tempDir('folder-cache');
  root = path.join(base, 'chosen');
  outside = path.join(base, 'outside');
  await mkdir(outside);
});

afterEach(async () => {
  await removeDir(base);
});

describe('FolderCache.ensure with a root', () => {
  it('makes the chosen folder and the folders below it', async () => {
    const folders = new FolderCache();
    await folders.ensure(path.join(root, 'a', 'b', 'c'), root);
    await folders.ensure(path.join(root, 'a', 'd'), root);
    expect((await readdir(path.join(root, 'a'))).sort()).toEqual(['b', 'd']);
  });

  it('refuses a link below the chosen folder, and writes nothing where it leads', async () => {
    await mkdir(path.join(root, 'p'), { recursive: true });
    await symlink(outside, path.join(root, 'p', 'evil'), 'dir');
    const folders = new FolderCache();
    await expect(folders.ensure(path.join(root, 'p', 'evil', 'deeper'), root)).rejects.toMatchObject({ code: 'PathOutsideTarget', message: expect.stringContaining('symbolic link') });
    await expect(folders.ensure(path.join(root, 'p', 'evil'), root)).rejects.toMatchObject({ code: 'PathOutsideTarget' });
    expect(await readdir(outside)).toEqual([]);
  });

  it('remembers a refusal for the batch, and looks again after forget()', async () => {
    await mkdir(root);
    await symlink(outside, path.join(root, 'evil'), 'dir');
    const folders = new FolderCache();
    await expect(folders.ensure(path.join(root, 'evil'), root)).rejects.toMatchObject({ code: 'PathOutsideTarget' });
    await rm(path.join(root, 'evil'));
    await mkdir(path.join(root, 'evil'));
    await expect(folders.ensure(path.join(root, 'evil'), root)).rejects.toMatchObject({ code: 'PathOutsideTarget' });
    folders.forget();
    await expect(folders.ensure(path.join(root, 'evil'), root)).resolves.toBeUndefined();
  });

  it('follows links at and above the chosen folder: they are the user\'s choice', async () => {
    await mkdir(path.join(outside, 'real'));
    const linkedRoot = path.join(base, 'linked');
    await symlink(path.join(outside, 'real'), linkedRoot, 'dir');
    await new FolderCache().ensure(path.join(linkedRoot, 'x', 'y'), linkedRoot);
    expect(await readdir(path.join(outside, 'real', 'x'))).toEqual(['y']);
  });

  it('refuses a file where a folder is needed, and a folder outside the root', async () => {
    await mkdir(root);
    await writeFile(path.join(root, 'file'), 'x');
    const folders = new FolderCache();
    await expect(folders.ensure(path.join(root, 'file', 'below'), root)).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(folders.ensure(outside, root)).rejects.toMatchObject({ code: 'PathOutsideTarget' });
  });
});

describe('openTemp (a download\'s temporary file)', () => {
  it('replaces a link planted at the name with a new file, and never writes what it points to', async () => {
    await mkdir(root);
    const victim = path.join(outside, 'victim');
    await writeFile(victim, 'untouched');
    const temp = path.join(root, '.f.ferry-download');
    await symlink(victim, temp);
    const file = await openTemp(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW);
    await file.write('the object');
    await file.close();
    expect((await lstat(temp)).isSymbolicLink()).toBe(false);
    expect(await readFile(temp, 'utf8')).toBe('the object');
    expect(await readFile(victim, 'utf8')).toBe('untouched');
  });

  it('leaves a regular file there alone (a partial download to resume)', async () => {
    await mkdir(root);
    const temp = path.join(root, '.f.ferry-download');
    await writeFile(temp, 'partial');
    await (await openTemp(temp, constants.O_RDWR | constants.O_NOFOLLOW)).close();
    expect(await readFile(temp, 'utf8')).toBe('partial');
  });
});
