// Public API of @workbench/sampling.
export {};
