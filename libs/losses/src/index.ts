// Public API of @workbench/losses.
export {};
