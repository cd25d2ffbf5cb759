/**
 * The collector registry: every collector, explicitly listed. Add a new one here (see
 * docs/adding-a-collector.md); src/collectors/registry.test.ts checks every folder is listed.
 */
import type { Collector } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';
import { bunLockCollector } from './bun-lock/index.js';
import { cargoLockCollector } from './cargo-lock/index.js';
import { composerLockCollector } from './composer-lock/index.js';
import { cyclonedxCollector } from './cyclonedx/index.js';
import { evtxCollector } from './evtx/index.js';
import { gemfileLockCollector } from './gemfile-lock/index.js';
import { goModCollector } from './go-mod/index.js';
import { gradleLockfileCollector } from './gradle-lockfile/index.js';
import { netCsvCollector } from './net-csv/index.js';
import { nodeModulesCollector } from './node-modules/index.js';
import { npmLockCollector } from './npm-lock/index.js';
import { nugetPackagesLockCollector } from './nuget-packages-lock/index.js';
import { pdmLockCollector } from './pdm-lock/index.js';
import { pipfileLockCollector } from './pipfile-lock/index.js';
import { pnpmLockCollector } from './pnpm-lock/index.js';
import { poetryLockCollector } from './poetry-lock/index.js';
import { pylockTomlCollector } from './pylock-toml/index.js';
import { pythonDistInfoCollector } from './python-dist-info/index.js';
import { requirementsTxtCollector } from './requirements-txt/index.js';
import { spdxCollector } from './spdx/index.js';
import { squidCollector } from './squid/index.js';
import { uvLockCollector } from './uv-lock/index.js';
import { yarnLockCollector } from './yarn-lock/index.js';
import { zeekCollector } from './zeek/index.js';
import { dpkgStatusCollector } from './dpkg-status/index.js';
import { macosInfoPlistCollector } from './macos-info-plist/index.js';
import { osqueryAppsCollector } from './osquery-apps/index.js';
import { osqueryProgramsCollector } from './osquery-programs/index.js';
import { peVersionCollector } from './pe-version/index.js';
import { rpmQaCollector } from './rpm-qa/index.js';
import { windowsRegCollector } from './windows-reg/index.js';
import { windowsUninstallJsonCollector } from './windows-uninstall-json/index.js';

export const collectors: readonly Collector[] = defineRegistry<Collector>('collector', [
  // installed applications
  windowsRegCollector,
  windowsUninstallJsonCollector,
  osqueryProgramsCollector,
  osqueryAppsCollector,
  macosInfoPlistCollector,
  dpkgStatusCollector,
  rpmQaCollector,
  peVersionCollector,
  // packages
  bunLockCollector,
  cargoLockCollector,
  composerLockCollector,
  cyclonedxCollector,
  gemfileLockCollector,
  goModCollector,
  gradleLockfileCollector,
  nodeModulesCollector,
  npmLockCollector,
  nugetPackagesLockCollector,
  pdmLockCollector,
  pipfileLockCollector,
  pnpmLockCollector,
  poetryLockCollector,
  pylockTomlCollector,
  pythonDistInfoCollector,
  requirementsTxtCollector,
  spdxCollector,
  uvLockCollector,
  yarnLockCollector,
  // logs
  evtxCollector,
  zeekCollector,
  squidCollector,
  netCsvCollector,
]);
