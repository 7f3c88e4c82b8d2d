// Public API of @workbench/model.
export {};
