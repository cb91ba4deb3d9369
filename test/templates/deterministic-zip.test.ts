import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { zipDirectory } from '../../templates/deterministic-zip';

/** Lists a zip with Python's zipfile module: name, size, date and mode of each entry plus a CRC test. */
interface PythonZipListing {
  readonly entries: Array<[string, number, number[], number]>;
  readonly contents: { [name: string]: string };
  /** Name of the first entry with a bad CRC, as zipfile.testzip() reports it. */
  readonly bad: string | null;
}

function readWithPython(zip: Buffer): PythonZipListing {
  const script = [
    'import sys, json, zipfile, io',
    'z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))',
    'print(json.dumps({"entries": [[i.filename, i.file_size, list(i.date_time), i.external_attr >> 16] for i in z.infolist()],',
    '  "contents": {n: z.read(n).decode() for n in z.namelist()}, "bad": z.testzip()}))',
  ].join('\n');
  const run = spawnSync('python3', ['-c', script], { input: zip, encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout);
}

describe('zipDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'zip-test-'));
    mkdirSync(join(dir, 'lib'));
    writeFileSync(join(dir, 'index.js'), 'exports.handler = async () => "ok";\n');
    writeFileSync(join(dir, 'lib', 'util.js'), 'module.exports = 42;\n'.repeat(100));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('writes a zip other tools read: sorted entries, fixed date, mode 0644, contents intact', () => {
    const listing = readWithPython(zipDirectory(dir));
    expect(listing.bad).toBeNull();
    expect(listing.entries).toEqual([
      ['index.js', 36, [1980, 1, 1, 0, 0, 0], 0o100644],
      ['lib/util.js', 2100, [1980, 1, 1, 0, 0, 0], 0o100644],
    ]);
    expect(listing.contents['index.js']).toBe('exports.handler = async () => "ok";\n');
    expect(listing.contents['lib/util.js']).toBe('module.exports = 42;\n'.repeat(100));
  });

  test('gives the same bytes for the same files, whatever their timestamps', () => {
    const first = zipDirectory(dir);
    utimesSync(join(dir, 'index.js'), new Date('2001-02-03'), new Date('2001-02-03'));
    expect(zipDirectory(dir).equals(first)).toBe(true);
  });

  test('gives different bytes when a file changes', () => {
    const first = zipDirectory(dir);
    writeFileSync(join(dir, 'index.js'), 'exports.handler = async () => "changed";\n');
    expect(zipDirectory(dir).equals(first)).toBe(false);
  });
});
