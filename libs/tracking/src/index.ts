// Public API of @workbench/tracking.
export { DEFAULT_TRACKING_URI, resolveTrackingUri } from './tracking-uri.ts';
export type { ResolvedTrackingUri } from './tracking-uri.ts';
