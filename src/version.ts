import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** chainhunt's version, read from package.json (works from src/ under vitest and from dist/). */
export const TOOL_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(
      readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'package.json'), 'utf8'),
    ) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

export const TOOL_NAME = 'chainhunt';
