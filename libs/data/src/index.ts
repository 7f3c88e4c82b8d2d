// Public API of @workbench/data.
export {};
