// Public API of @workbench/sweep.
export {};
