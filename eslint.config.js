// ESLint for the dashboard's own ES modules and the front-end tests; vendored bundles are not ours to lint.
import js from '@eslint/js';
import globals from 'globals';

export default [
  {
    ignores: ['api/http/dashboard/static/graphiql/', 'api/http/dashboard/static/vendor/', '.venv/', 'node_modules/'],
  },
  js.configs.recommended,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: globals.browser,
    },
  },
  {
    // The tests and this config run in Node, not in the browser.
    files: ['tests/frontend/**', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
];
