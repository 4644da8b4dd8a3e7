/** The runtime's input types: what a caller may hand it (a parsed JSON file, an exported .augpolicy.ts value). */
import type { z } from 'zod';
import type { PolicySchema } from '../shared/policy';

type DeepReadonly<T> = T extends readonly (infer U)[] ? readonly DeepReadonly<U>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;

/** A policy as written in a file: options' defaults may be left out, arrays may be readonly. */
export type PolicyInput = DeepReadonly<z.input<typeof PolicySchema>>;
