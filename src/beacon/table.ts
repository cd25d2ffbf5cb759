/**
 * Columnar store of connection-like records for beacon analysis: typed arrays per column and
 * interned strings, so tens of millions of rows fit in a few hundred MiB. Rows are added once;
 * every query (window, allow-list) runs over the same table without re-reading the logs.
 */

/** Row kinds. */
export const ROW = { conn: 0, http: 1, ssl: 2 } as const;
export type RowKind = (typeof ROW)[keyof typeof ROW];

/** Row flags. */
export const FLAG = {
  /** A snapshot of a still-open connection (Zeek `open_conn` logs). */
  open: 1,
  /** An HTTP request with no (or an empty) Host header. */
  noHost: 2,
} as const;

/** Ids of interned strings must stay below this (pair keys pack two ids in one double). */
export const MAX_STRINGS = 2 ** 26;

/** The columnar table. */
export class ConnTable {
  length = 0;
  kind: Uint8Array;
  ts: Float64Array;
  src: Uint32Array;
  dst: Uint32Array;
  /** FQDN id (HTTP Host, TLS SNI) or −1. */
  name: Int32Array;
  /** Bytes both ways, NaN when unknown. */
  bytes: Float64Array;
  /** Duration in seconds, NaN when unknown. */
  duration: Float32Array;
  port: Uint16Array;
  /** User-agent id or −1. */
  ua: Int32Array;
  flags: Uint8Array;
  readonly strings: string[] = [];
  private readonly ids = new Map<string, number>();
  /** Rows dropped because the string table was full. */
  dropped = 0;

  constructor(capacity = 1024) {
    const c = Math.max(16, capacity);
    this.kind = new Uint8Array(c);
    this.ts = new Float64Array(c);
    this.src = new Uint32Array(c);
    this.dst = new Uint32Array(c);
    this.name = new Int32Array(c);
    this.bytes = new Float64Array(c);
    this.duration = new Float32Array(c);
    this.port = new Uint16Array(c);
    this.ua = new Int32Array(c);
    this.flags = new Uint8Array(c);
  }

  /** Capacity in rows. */
  get capacity(): number {
    return this.ts.length;
  }

  /** Ensures room for `n` more rows (one allocation instead of repeated doubling). */
  reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.capacity) return;
    this.resize(need);
  }

  private resize(cap: number): void {
    const grow = <
      T extends Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array,
    >(
      a: T,
      make: (n: number) => T,
    ): T => {
      const b = make(cap);
      b.set(a.subarray(0, this.length));
      return b;
    };
    this.kind = grow(this.kind, (n) => new Uint8Array(n));
    this.ts = grow(this.ts, (n) => new Float64Array(n));
    this.src = grow(this.src, (n) => new Uint32Array(n));
    this.dst = grow(this.dst, (n) => new Uint32Array(n));
    this.name = grow(this.name, (n) => new Int32Array(n));
    this.bytes = grow(this.bytes, (n) => new Float64Array(n));
    this.duration = grow(this.duration, (n) => new Float32Array(n));
    this.port = grow(this.port, (n) => new Uint16Array(n));
    this.ua = grow(this.ua, (n) => new Int32Array(n));
    this.flags = grow(this.flags, (n) => new Uint8Array(n));
  }

  /** The id of `s`, interning it; −1 when the table is full. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      if (this.strings.length >= MAX_STRINGS) return -1;
      id = this.strings.length;
      this.strings.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** Appends one row; returns its index, or −1 when it was dropped. */
  add(row: {
    kind: RowKind;
    ts: number;
    src: string;
    dst: string;
    port?: number | undefined;
    name?: string | undefined;
    bytes?: number | undefined;
    duration?: number | undefined;
    ua?: string | undefined;
    flags?: number | undefined;
  }): number {
    const s = this.intern(row.src);
    const d = this.intern(row.dst);
    const n = row.name !== undefined ? this.intern(row.name) : -1;
    const u = row.ua !== undefined ? this.intern(row.ua) : -1;
    if (s < 0 || d < 0 || (row.name !== undefined && n < 0)) {
      this.dropped++;
      return -1;
    }
    return this.addIds(
      row.kind,
      row.ts,
      s,
      d,
      row.port ?? 0,
      n,
      row.bytes ?? NaN,
      row.duration ?? NaN,
      u,
      row.flags ?? 0,
    );
  }

  /** Appends one row of already-interned ids (fast path for generators and bulk loads). */
  addIds(
    kind: RowKind,
    ts: number,
    src: number,
    dst: number,
    port: number,
    name: number,
    bytes: number,
    duration: number,
    ua: number,
    flags: number,
  ): number {
    if (this.length === this.capacity) this.resize(this.capacity * 2);
    const i = this.length++;
    this.kind[i] = kind;
    this.ts[i] = ts;
    this.src[i] = src;
    this.dst[i] = dst;
    this.port[i] = port;
    this.name[i] = name;
    this.bytes[i] = bytes;
    this.duration[i] = duration;
    this.ua[i] = ua;
    this.flags[i] = flags;
    return i;
  }
}
