/** Collector for installed npm packages: `node_modules/<name>/package.json`. */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { installedFolderName, NODE_MODULES_ID, parseInstalledPackage } from './parse.js';

/** Installed npm packages: one observation per `node_modules/<name>/package.json`. */
export const nodeModulesCollector = {
  id: NODE_MODULES_ID,
  version: 1,
  description:
    'installed npm packages: node_modules/<name>/package.json and node_modules/@scope/<name>/package.json',
  matches(file: FileRef): boolean {
    return file.lowerName === 'package.json' && installedFolderName(file.path) !== undefined;
  },
  collect(input: CollectorInput): CollectorResult {
    return parseInstalledPackage(input.content, input.file.path);
  },
} satisfies Collector;
