import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import { pythonDistInfoCollector } from './index.js';
import { parsePythonDistInfo } from './parse.js';

const metadata = `Metadata-Version: 2.1
Name: Flask_SQLAlchemy
Version: 3.1.1
Summary: Add SQLAlchemy support to your Flask application.
Requires-Dist: flask >=2.2.5
Description-Content-Type: text/markdown

Name: not-this
Version: 0.0.0
`;

describe('python-dist-info', () => {
  it('claims METADATA in *.dist-info and PKG-INFO in *.egg-info only', () => {
    expect(
      pythonDistInfoCollector.matches(
        fileRef('venv/lib/python3.12/site-packages/flask-3.0.0.dist-info/METADATA'),
      ),
    ).toBe(true);
    expect(
      pythonDistInfoCollector.matches(fileRef('C:\\py\\Lib\\site-packages\\six-1.16.0.dist-info\\METADATA')),
    ).toBe(true);
    expect(pythonDistInfoCollector.matches(fileRef('site-packages/foo.egg-info/PKG-INFO'))).toBe(true);
    expect(pythonDistInfoCollector.matches(fileRef('project/METADATA'))).toBe(false);
  });

  it('reads Name and Version from the headers only', async () => {
    const r = await Promise.resolve(
      pythonDistInfoCollector.collect(
        collectorInput('sp/flask_sqlalchemy-3.1.1.dist-info/METADATA', metadata),
      ),
    );
    expect(r.issues).toEqual([]);
    expect(r.observations).toEqual([
      expect.objectContaining({
        kind: 'package',
        ecosystem: 'PyPI',
        name: 'flask-sqlalchemy',
        version: '3.1.1',
        purl: 'pkg:pypi/flask-sqlalchemy@3.1.1',
        locations: [{ file: 'sp/flask_sqlalchemy-3.1.1.dist-info/METADATA', line: 2 }],
      }),
    ]);
  });

  it('reports metadata without a version', () => {
    const r = parsePythonDistInfo(Buffer.from('Metadata-Version: 2.1\nName: x\n'), 'METADATA');
    expect(r.observations).toEqual([]);
    expect(r.issues[0]!.code).toBe('invalid-value');
    expect(parsePythonDistInfo(Buffer.from('garbage without colon\n'), 'METADATA').issues[0]!.code).toBe(
      'parse-error',
    );
  });
});
