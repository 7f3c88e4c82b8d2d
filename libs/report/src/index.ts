// Public API of @workbench/report.
export {};
