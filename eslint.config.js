import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// Layering of the developers' guide: a lib may import only the libs above it in this list.
const LAYERS = ['core', 'tensor', 'text', 'model', 'data', 'metrics', 'sampling', 'losses', 'methods', 'tracking', 'report', 'sweep'];

const depConstraints = [
  ...LAYERS.map((name, i) => ({
    sourceTag: `lib:${name}`,
    onlyDependOnLibsWithTags: LAYERS.slice(0, i).map((l) => `lib:${l}`),
  })),
  // Apps compose every lib; nothing may import an app.
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: LAYERS.map((l) => `lib:${l}`) },
];

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'notebooks/**', 'tmp/**', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        { enforceBuildableLibDependency: false, allow: [], depConstraints, banTransitiveDependencies: false },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // tfjs kernel configs and MLflow payloads are loosely typed at their edges.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
];
