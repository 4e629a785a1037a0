// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The folders of functions/ and what each may import (see README, "The folders"). A file that
 * crosses a boundary fails `npm run lint`. Patterns are regular expressions on the import
 * specifier; a folder is named by the `../` path that leaves the importing folder for it.
 */
const FOLDERS = [
  'core',
  'http',
  'sources',
  'match',
  'watchlist',
  'run',
  'aws',
  'delivery',
  'config',
  'local',
  'handlers',
  'cli',
  'review',
];
const IO_MODULES = [
  'node:fs',
  'node:fs/promises',
  'node:net',
  'node:dns',
  'node:http',
  'node:https',
  'node:child_process',
];

/** @param {string[]} forbidden folders @param {string} why */
function folderRule(forbidden, why) {
  return forbidden.map((folder) => ({
    regex: `^(\\.\\./)+${folder}/`,
    message: `${folder}/ is off limits here: ${why}`,
  }));
}

/** @type {Record<string, { forbidden: string[]; why: string; extra?: object[] }>} */
const BOUNDARIES = {
  core: {
    forbidden: FOLDERS.filter((f) => f !== 'core'),
    why: 'core/ is pure (records, diff, events, errors, filters) and imports nothing else of the project.',
    extra: [
      { regex: '^@aws-sdk/', message: 'core/ imports no AWS SDK: it is pure.' },
      ...IO_MODULES.map((name) => ({ regex: `^${name}$`, message: 'core/ does no I/O.' })),
    ],
  },
  http: {
    forbidden: FOLDERS.filter((f) => f !== 'http' && f !== 'core'),
    why: 'http/ (outgoing requests, the address guard) builds on core/ alone.',
  },
  match: {
    forbidden: FOLDERS.filter((f) => f !== 'match' && f !== 'core'),
    why: 'match/ (name matching) builds on core/ alone.',
  },
  sources: {
    forbidden: FOLDERS.filter((f) => !['sources', 'core', 'http'].includes(f)),
    why: "a source reads and normalizes a publisher's files; it knows nothing of storage, runs or delivery.",
  },
  watchlist: {
    forbidden: ['run', 'aws', 'delivery', 'config', 'local', 'handlers', 'cli', 'http', 'review'],
    why: 'watchlist/ screens records through match/ and asks for storage through its own interfaces.',
  },
  run: {
    forbidden: ['aws', 'delivery', 'config', 'local', 'handlers', 'cli', 'review'],
    why: 'run/ asks for storage and publishing through the interfaces in run/ports.ts; aws/ and delivery/ implement them.',
  },
  aws: {
    forbidden: ['delivery', 'config', 'local', 'handlers', 'cli', 'http', 'review'],
    why: 'aws/ owns the table and implements the interfaces of run/ and watchlist/.',
  },
  delivery: {
    forbidden: ['aws', 'config', 'local', 'handlers', 'cli', 'review'],
    why: 'delivery/ renders, publishes and signs; it does not reach into storage or entry points.',
  },
  config: {
    forbidden: ['run', 'aws', 'delivery', 'local', 'handlers', 'cli', 'review'],
    why: 'config/ validates the configuration and the environment contract; it runs nothing.',
  },
  local: {
    forbidden: ['handlers', 'cli', 'review'],
    why: 'local/ is the emulators and local-only receipts; entry points use it, not the other way round.',
  },
  handlers: { forbidden: ['cli', 'local'], why: 'a Lambda handler never runs local-mode code.' },
  cli: { forbidden: ['handlers'], why: 'the CLI calls run/ and delivery/ directly, never a Lambda handler.' },
  review: {
    forbidden: ['local', 'handlers', 'cli', 'run'],
    why: 'review/ (the analyst page) reads the table through aws/ and renders; the CLI and the Lambda adapter serve it.',
  },
};

/** A source file (`sources/<jurisdiction>-<name>.ts`) never imports another source. */
const SOURCE_ID = '[a-z]{2}-[a-z0-9-]+\\.ts$';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.tradewatch/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        fetch: 'readonly',
        Response: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...Object.entries(BOUNDARIES).map(([folder, { forbidden, why, extra = [] }]) => ({
    files: [`functions/${folder}/**/*.ts`],
    ignores: folder === 'sources' ? ['functions/sources/*.ts'] : [],
    rules: { 'no-restricted-imports': ['error', { patterns: [...folderRule(forbidden, why), ...extra] }] },
  })),
  {
    // Source files: the sources/ boundary, and no source imports another (shared code lives in
    // sources/read/, sources/helpers.ts and sources/formats/).
    files: ['functions/sources/*.ts'],
    ignores: ['functions/sources/registry.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folderRule(BOUNDARIES.sources.forbidden, BOUNDARIES.sources.why),
            {
              regex: `^\\./${SOURCE_ID}`,
              message:
                'a source never imports another source: move what they share to sources/read/ or sources/helpers.ts.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['functions/sources/formats/*.ts', 'functions/sources/read/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...folderRule(BOUNDARIES.sources.forbidden, BOUNDARIES.sources.why),
            { regex: `^\\.\\./${SOURCE_ID}`, message: 'formats and readers serve every source and import none.' },
          ],
        },
      ],
    },
  },
  {
    // The stack builds from the configuration, the registry and the table's layout; it never
    // imports the code that runs inside the functions.
    files: ['infra/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '/functions/(run|delivery|local|cli|handlers|watchlist|match|http|review)/',
              message:
                'infra/ synthesizes the stack from config/, core/, sources/ and aws/table.ts; runtime code stays in the functions.',
            },
          ],
        },
      ],
    },
  },
);
