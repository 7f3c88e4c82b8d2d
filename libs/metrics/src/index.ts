// Public API of @workbench/metrics.
export {};
