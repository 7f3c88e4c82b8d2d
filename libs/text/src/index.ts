// Public API of @workbench/text.
export {};
