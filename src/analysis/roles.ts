// What a slice is, from its category (compared lower-case, as the TensorBoard plugin did):
// one byte per string id of the trace, built once per model.

import type { TraceModel } from '../model/types.ts';

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

/** roles[stringId] for the categories of the model's slices (0 for strings that are not one). */
export function categoryRoles(m: TraceModel): Uint8Array {
  let roles = cache.get(m);
  if (roles) return roles;
  roles = new Uint8Array(m.strings.length);
  const seen = new Uint8Array(m.strings.length);
  const cat = m.slices.cat;
  for (let i = 0; i < cat.length; i++) {
    const c = cat[i]!;
    if (seen[c]) continue;
    seen[c] = 1;
    roles[c] = roleOfCategory(m.strings[c]!);
  }
  cache.set(m, roles);
  return roles;
}
