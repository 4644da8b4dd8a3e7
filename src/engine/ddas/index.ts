/** DDAS: the differentiable augmentation search (DESIGN section 3). */
export { DdasSearch, type SearchEvent, type SearchHooks, type SearchOutcome, type SnapshotEvent, type StepReport } from './search';
export { DEFAULTS, resolveOptions, type DdasOptions, type ModelChoice, type ResolvedOptions } from './options';
export { applyBase, applyBaseDraws } from './base';
export { defaultBase, NO_BASE, type BaseTransform } from '../../shared/base';
export { loadSearchData, readSearchData, type ImageSet, type SearchData } from './data';
export { checkState, type DdasState, type Snapshot } from './state';
export { buildPolicy, type PolicyContext } from './result';
export { CORNER_CLASSES, cornerImages, cornerSearchData, type CornerOptions } from './synthetic';
