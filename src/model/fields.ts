// Parsed args fields, declared in one place. Each group names the events that carry it and
// the args keys read into columns; from this list follow the JS reader's extraction
// (Collector.readFields → Scanner.readListedArgs), the WebAssembly reader's (the collector
// declares the keys, RunSink.fieldKeys, and the module reads a carrier's args itself,
// readFieldArgs in event-scanner.as.ts, handing the rare row it is unsure of back to the JS
// reader), the columns the collector grows, the merge of a parse worker's dump (string
// fields remapped), the final columns in time order of their slices, ties in file order (finish.ts
// `buildFieldColumns`), and the buffers transferred to the page (`fieldBuffers`).
//
// Adding a field to an existing group is one line here, and so is a new group of instants
// (the module takes up to 8 groups, 32 keys and 16 slots a row; past that the JS reader reads
// them). Events other than instants carrying a group would need collect() in
// event-scanner.as.ts to look for them too.
//
// Only the carriers pay: a group's columns hold one row per carrying event, keyed by slice.
// The kernel fields stay in their own columns (KernelColumns), read by both readers on
// the hot path of every GPU event.

export type FieldType = 'number' | 'uint64';

export interface FieldSpec {
  /** The args key as written in the file. */
  readonly key: string;
  /**
   * number: a Float64Array, NaN where absent or not a JSON number. uint64: a non-negative
   * integer kept exact past 2^53 (addresses) as two Uint32Array columns `<name>Hi` and
   * `<name>Lo`, both 0xffffffff where absent or not such an integer (a number or a string of
   * decimal digits). No string type yet: a run of the WebAssembly reader reads its fields
   * after the run, and interning there would change the order of string ids.
   */
  readonly type: FieldType;
}

export interface FieldGroupSpec {
  /** Names of the instant events (ph i, I or R) that carry the group. */
  readonly names: readonly string[];
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

/** Both halves of an absent uint64 field. */
export const NO_U64 = 0xffffffff;

export const FIELD_GROUPS = {
  /** Kineto's allocator events (`profile_memory=True`). */
  memory: {
    names: ['[memory]'],
    fields: {
      bytes: { key: 'Bytes', type: 'number' },
      totalAllocated: { key: 'Total Allocated', type: 'number' },
      totalReserved: { key: 'Total Reserved', type: 'number' },
      addr: { key: 'Addr', type: 'uint64' },
      deviceType: { key: 'Device Type', type: 'number' },
      deviceId: { key: 'Device Id', type: 'number' },
    },
  },
} as const satisfies Record<string, FieldGroupSpec>;

export type FieldGroupName = keyof typeof FIELD_GROUPS;

type GroupFields<G extends FieldGroupName> = (typeof FIELD_GROUPS)[G]['fields'];

/** One group's final columns, rows in time order (ties in file order): `slice` is the carrying slice's index in the model. */
export type FieldGroupColumns<G extends FieldGroupName> = { slice: Uint32Array } & {
  -readonly [K in keyof GroupFields<G> as GroupFields<G>[K] extends { type: 'uint64' } ? `${K & string}Hi` | `${K & string}Lo` : K]:
    GroupFields<G>[K] extends { type: 'uint64' } ? Uint32Array : Float64Array;
};

export type FieldColumns = { [G in FieldGroupName]: FieldGroupColumns<G> };

/**
 * The list flattened, in a fixed order (groups, then fields, as declared). A field takes one
 * slot of a row while loading, a uint64 two (high half, then low).
 */
export interface FlatGroup {
  name: FieldGroupName;
  names: readonly string[];
  keys: string[];
  /** 1 where the field is a uint64. */
  isU64: Uint8Array;
  /** The field's first slot. */
  slot: Uint8Array;
  /** Each slot's final column name. */
  slotColumns: string[];
  /** 1 where the slot's column is a Uint32Array (a uint64 half). */
  slotU32: Uint8Array;
}

export const FLAT_GROUPS: readonly FlatGroup[] = Object.entries(FIELD_GROUPS).map(([name, g]) => {
  const entries = Object.entries(g.fields as Record<string, FieldSpec>);
  const slotColumns: string[] = [];
  const slot = new Uint8Array(entries.length);
  entries.forEach(([column, f], j) => {
    slot[j] = slotColumns.length;
    if (f.type === 'uint64') slotColumns.push(`${column}Hi`, `${column}Lo`);
    else slotColumns.push(column);
  });
  const isU64 = Uint8Array.from(entries, ([, f]) => (f.type === 'uint64' ? 1 : 0));
  return {
    name: name as FieldGroupName,
    names: g.names,
    keys: entries.map(([, f]) => f.key),
    isU64,
    slot,
    slotColumns,
    slotU32: Uint8Array.from(slotColumns, (c) => (entries.some(([col, f]) => f.type === 'uint64' && (c === `${col}Hi` || c === `${col}Lo`)) ? 1 : 0)),
  };
});

/** A uint64 field's value as an exact decimal string ('' where absent). */
export function u64Text(hi: number, lo: number): string {
  if (hi === NO_U64 && lo === NO_U64) return '';
  if (hi < 2097152) return String(hi * 4294967296 + lo); // below 2^53: exact as a double
  return (BigInt(hi) * 4294967296n + BigInt(lo)).toString();
}

/** Empty columns for every group (a model built without a parse). */
export function emptyFieldColumns(): FieldColumns {
  const out: Record<string, Record<string, Uint32Array | Float64Array>> = {};
  for (const g of FLAT_GROUPS) {
    const cols: Record<string, Uint32Array | Float64Array> = { slice: new Uint32Array(0) };
    g.slotColumns.forEach((c, j) => (cols[c] = g.slotU32[j] ? new Uint32Array(0) : new Float64Array(0)));
    out[g.name] = cols;
  }
  return out as unknown as FieldColumns;
}
