/**
 * Snippets for policy files, derived from the catalog: `defaultSnippets` in the JSON
 * schema (offered by VS Code's JSON service and the YAML extension) and the VS Code
 * snippet files under snippets/ (see scripts/generate-snippets.ts).
 */
import { DEFAULT_MAGNITUDE_BINS, OP_NAMES, hasMagnitude } from '../ops';

const MAGNITUDE_OPS = OP_NAMES.filter((op) => hasMagnitude(op));
const PLAIN_OPS = OP_NAMES.filter((op) => !hasMagnitude(op));

function choice(index: number, values: readonly (string | number)[]): string {
  return `\${${index}|${values.join(',')}|}`;
}

/**
 * The base transform's placeholders: a mild crop (4 px suits 28-32 px images), no flip and
 * no Cutout by default - flips and Cutout are left to the search (src/shared/base.ts).
 */
const BASE_FIELDS = { cropPadding: '${7:4}', flipLR: choice(8, ['false', 'true']), cutout: '${9:0}' } as const;
const BASE_SNIPPET_SCHEMA = { cropPadding: `^${BASE_FIELDS.cropPadding}`, flipLR: `^${BASE_FIELDS.flipLR}`, cutout: `^${BASE_FIELDS.cutout}` };

/** A JSON-schema default snippet; a string value starting with ^ is inserted unquoted. */
export interface SchemaSnippet {
  readonly label: string;
  readonly description: string;
  readonly body: unknown;
}

export function policyDefaultSnippets(): SchemaSnippet[] {
  return [
    {
      label: 'New DDAS policy',
      description: 'A two-level augmentation policy: apply probability, then operations whose probabilities sum to 1.',
      body: {
        version: 1,
        opsPerImage: '^${1:2}',
        applyProbability: '^${2:0.5}',
        operations: [
          { op: 'Identity', probability: '^${3:0.5}' },
          { op: choice(4, MAGNITUDE_OPS), magnitude: `^${choice(5, DEFAULT_MAGNITUDE_BINS)}`, probability: '^${6:0.5}' },
        ],
        base: BASE_SNIPPET_SCHEMA,
      },
    },
  ];
}

export function operationDefaultSnippets(): SchemaSnippet[] {
  return [
    {
      label: 'Operation with magnitude',
      description: 'An (operation, magnitude) entry; magnitude in [0, 1] (default bins 0.25, 0.5, 0.75, 1).',
      body: { op: choice(1, MAGNITUDE_OPS), magnitude: `^${choice(2, DEFAULT_MAGNITUDE_BINS)}`, probability: '^${3:0.1}' },
    },
    {
      label: 'Operation without magnitude',
      description: 'An operation that takes no magnitude.',
      body: { op: choice(1, PLAIN_OPS), probability: '^${2:0.1}' },
    },
  ];
}

interface VsCodeSnippet {
  readonly prefix: string | string[];
  readonly description: string;
  readonly body: string[];
}

function jsonSnippets(): Record<string, VsCodeSnippet> {
  return {
    'DDAS augmentation policy': {
      prefix: ['augpolicy', 'ddas-policy'],
      description: 'A new DDAS augmentation policy (*.augpolicy.json).',
      body: [
        '{',
        '\t"version": 1,',
        '\t"opsPerImage": ${1:2},',
        '\t"applyProbability": ${2:0.5},',
        '\t"operations": [',
        '\t\t{ "op": "Identity", "probability": ${3:0.5} },',
        `\t\t{ "op": "${choice(4, MAGNITUDE_OPS)}", "magnitude": ${choice(5, DEFAULT_MAGNITUDE_BINS)}, "probability": \${6:0.5} }`,
        '\t],',
        `\t"base": { "cropPadding": ${BASE_FIELDS.cropPadding}, "flipLR": ${BASE_FIELDS.flipLR}, "cutout": ${BASE_FIELDS.cutout} }`,
        '}',
      ],
    },
    'DDAS operation with magnitude': {
      prefix: ['augop', 'ddas-op'],
      description: 'A policy operation entry with a magnitude in [0, 1].',
      body: [`{ "op": "${choice(1, MAGNITUDE_OPS)}", "magnitude": ${choice(2, DEFAULT_MAGNITUDE_BINS)}, "probability": \${3:0.1} }`],
    },
    'DDAS operation without magnitude': {
      prefix: ['augop-plain', 'ddas-op-plain'],
      description: 'A policy operation entry that takes no magnitude.',
      body: [`{ "op": "${choice(1, PLAIN_OPS)}", "probability": \${2:0.1} }`],
    },
    'DDAS schedule entry': {
      prefix: ['augschedule', 'ddas-schedule'],
      description: 'A schedule entry: in force while training progress is below untilProgress.',
      body: [
        '{',
        '\t"untilProgress": ${1:1},',
        '\t"applyProbability": ${2:0.5},',
        `\t"operations": [{ "op": "${choice(3, OP_NAMES)}", "probability": 1 }]`,
        '}',
      ],
    },
  };
}

function yamlSnippets(): Record<string, VsCodeSnippet> {
  return {
    'DDAS augmentation policy': {
      prefix: ['augpolicy', 'ddas-policy'],
      description: 'A new DDAS augmentation policy (*.augpolicy.yaml).',
      body: [
        'version: 1',
        'opsPerImage: ${1:2}',
        'applyProbability: ${2:0.5}',
        'operations:',
        '  - op: Identity',
        '    probability: ${3:0.5}',
        `  - op: ${choice(4, MAGNITUDE_OPS)}`,
        `    magnitude: ${choice(5, DEFAULT_MAGNITUDE_BINS)}`,
        '    probability: ${6:0.5}',
        'base:',
        `  cropPadding: ${BASE_FIELDS.cropPadding}`,
        `  flipLR: ${BASE_FIELDS.flipLR}`,
        `  cutout: ${BASE_FIELDS.cutout}`,
      ],
    },
    'DDAS operation with magnitude': {
      prefix: ['augop', 'ddas-op'],
      description: 'A policy operation entry with a magnitude in [0, 1].',
      body: [`- op: ${choice(1, MAGNITUDE_OPS)}`, `  magnitude: ${choice(2, DEFAULT_MAGNITUDE_BINS)}`, '  probability: ${3:0.1}'],
    },
    'DDAS operation without magnitude': {
      prefix: ['augop-plain', 'ddas-op-plain'],
      description: 'A policy operation entry that takes no magnitude.',
      body: [`- op: ${choice(1, PLAIN_OPS)}`, '  probability: ${2:0.1}'],
    },
  };
}

/** File name under snippets/ -> exact text (2-space JSON, final newline). */
export function snippetFiles(): Record<string, string> {
  const text = (v: unknown): string => JSON.stringify(v, null, 2) + '\n';
  return { 'augpolicy.json': text(jsonSnippets()), 'augpolicy-yaml.json': text(yamlSnippets()) };
}
