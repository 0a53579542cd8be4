// What a slice is, from its category (compared lower-case, as the TensorBoard plugin did):
// one byte per string id of the trace, built once per model.

import type { TraceModel } from '../model/types.ts';
import { forChunks, runNow, type Work } from './sliced.ts';

export const ROLE_OTHER = 0;
export const ROLE_KERNEL = 1;
export const ROLE_MEMCPY = 2;
export const ROLE_MEMSET = 3;
export const ROLE_RUNTIME = 4;
export const ROLE_OPERATOR = 5;

export function roleOfCategory(cat: string): number {
  switch (cat.toLowerCase()) {
    case 'kernel':
      return ROLE_KERNEL;
    case 'gpu_memcpy':
    case 'memcpy':
      return ROLE_MEMCPY;
    case 'gpu_memset':
    case 'memset':
      return ROLE_MEMSET;
    case 'cuda_runtime':
    case 'cuda_driver':
    case 'runtime':
      return ROLE_RUNTIME;
    case 'cpu_op':
    case 'operator':
      return ROLE_OPERATOR;
    default:
      return ROLE_OTHER;
  }
}

const cache = new WeakMap<TraceModel, Uint8Array>();

/** Takes roles worked out elsewhere for this model (the trace worker's, on a copy of its columns). */
export function adoptCategoryRoles(m: TraceModel, roles: Uint8Array): void {
  if (!cache.has(m) && roles.length === m.strings.length) cache.set(m, roles);
}

/** roles[stringId] for the categories of the model's slices (0 for strings that are not one). */
export function categoryRoles(m: TraceModel): Uint8Array {
  return runNow(categoryRolesWork(m));
}

/** categoryRoles in short tasks (a pass over every slice's category the first time). */
export function* categoryRolesWork(m: TraceModel): Work<Uint8Array> {
  let roles = cache.get(m);
  if (roles) return roles;
  const out = new Uint8Array(m.strings.length);
  const seen = new Uint8Array(m.strings.length);
  yield* forChunks(m.slices.cat.length, (lo, hi) => markRoles(m, out, seen, lo, hi));
  roles = cache.get(m) ?? out; // (another run may have finished first)
  cache.set(m, roles);
  return roles;
}

function markRoles(m: TraceModel, roles: Uint8Array, seen: Uint8Array, lo: number, hi: number): void {
  const cat = m.slices.cat;
  for (let i = lo; i < hi; i++) {
    const c = cat[i]!;
    if (seen[c]) continue;
    seen[c] = 1;
    roles[c] = roleOfCategory(m.strings[c]!);
  }
}
