// Public API of @workbench/methods.
export {};
