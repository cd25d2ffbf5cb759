/**
 * Observations say what was seen, never a judgement. They are a union on `kind`; every
 * observation carries its host and where it was read from, so one case per host can join all kinds.
 */
import type { Platform } from './host.js';

/** Where in the evidence an observation was read. */
export interface SourceLocation {
  /** Path as walked; archive members are written `archive.zip!/member/path`. */
  file: string;
  line?: number;
  offset?: number;
}

interface ObservationBase {
  /** Host id this observation belongs to (stamped by the runner). */
  host: string;
  tenant?: string;
  /** Collector plugin id that produced it. */
  collectorId: string;
  source: SourceLocation;
}

/** A package resolved by a package manager or listed in an SBOM. */
export interface PackageObservation extends ObservationBase {
  kind: 'package';
  /** OSV ecosystem name, e.g. `npm`, `PyPI`, `Debian:12`. */
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
  direct?: boolean;
  dev?: boolean;
  optional?: boolean;
  locations: SourceLocation[];
}

/** Whether an installed application is installed for the machine or one user. */
export type InstallScope = 'machine' | 'user' | 'unknown';

/** An installed desktop or server application. */
export interface AppObservation extends ObservationBase {
  kind: 'app';
  name: string;
  publisher?: string;
  version?: string;
  platform: Platform;
  /** Windows product code / uninstall key name, dpkg/rpm package name. */
  productId?: string;
  /** macOS CFBundleIdentifier. */
  bundleId?: string;
  /** Build number where the source gives one besides the version (macOS CFBundleVersion). */
  build?: string;
  installLocation?: string;
  scope: InstallScope;
  /** User (SID or name) for per-user installs. */
  user?: string;
}

/** A regular file with its digests. */
export interface FileObservation extends ObservationBase {
  kind: 'file';
  path: string;
  name: string;
  size: number;
  sha256: string;
  sha1: string;
  md5: string;
}

/** One event from a log (EVTX, evtx_dump JSON, XML export). */
export interface LogEventObservation extends ObservationBase {
  kind: 'log-event';
  time?: string;
  channel?: string;
  provider?: string;
  eventId?: number;
  computer?: string;
  recordId?: number;
  /** The event in evtx_dump JSON layout: `{ Event: { System, EventData | UserData } }`. */
  event: Record<string, unknown>;
}

/** A network contact from Zeek, DNS, proxy or endpoint network events. */
export interface NetContactObservation extends ObservationBase {
  kind: 'net-contact';
  time?: string;
  protocol?: string;
  src?: string;
  srcPort?: number;
  dst?: string;
  dstPort?: number;
  fqdn?: string;
  url?: string;
  sni?: string;
  /** Names on the server certificate (subject CN and DNS SANs), e.g. from Zeek x509/ssl logs. */
  certNames?: string[];
  /** DNS answers of a query (addresses and CNAME targets), e.g. Zeek dns.log `answers`. */
  answers?: string[];
  userAgent?: string;
  bytesOut?: number;
  bytesIn?: number;
  /** Which log type it came from: `zeek/dns`, `sysmon/22`, `squid` … */
  logType?: string;
}

export type Observation =
  PackageObservation | AppObservation | FileObservation | LogEventObservation | NetContactObservation;

export type ObservationKind = Observation['kind'];

/** Omit that distributes over a union. */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a collector emits: an observation before the runner stamps host and tenant. */
export type Observed = DistributiveOmit<Observation, 'host' | 'tenant' | 'collectorId'>;
