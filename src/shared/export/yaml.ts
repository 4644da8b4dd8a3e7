/**
 * `*.augpolicy.yaml`: the policy as YAML, with the yaml-language-server modeline on the
 * first line (schema completion and validation in editors) and comments saying what the
 * file is, where it came from and what each operation does.
 */
import { Document, isMap, isScalar, isSeq, parseDocument, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { validatePolicy, type Policy, type PolicyOperation, type ValidationResult } from '../policy';
import { canonicalPolicy } from './canonical';
import { entryMeaning, originLine, SEMANTICS_LINES } from './describe';

export interface YamlWriteOptions {
  /** Path or URL of policy.schema.json for the modeline; without it the policy's own `$schema` is used. */
  readonly schemaRef?: string;
}

/** Comments above the top-level keys. */
const KEY_COMMENTS: Readonly<Record<string, string>> = {
  opsPerImage: ' How many operations an augmented image gets (drawn i.i.d., applied in order).',
  applyProbability: ' Level 1: probability that an image is augmented at all.',
  operations: ' Level 2: (operation, magnitude) entries; their probabilities sum to 1.',
  base: ' Base transform, applied to every image after the operations: random crop from\n cropPadding px of zero padding, then flip left-right (p 1/2), then a cutout px gray square.',
  schedule: ' The policy over training progress (fraction of epochs done): each entry is in force\n while progress < untilProgress. It replaces the two levels above during training.',
  options: ' Fill gray level and resampling of geometric operations.',
  search: ' How this policy was found.',
  evaluation: ' Its last held-out evaluation against the baselines (accuracy, 95% intervals).',
};

export function writePolicyYaml(policy: Policy, options: YamlWriteOptions = {}): string {
  const doc = new Document(canonicalPolicy(policy));
  const schemaRef = options.schemaRef ?? policy.$schema;
  const header = [
    ...(schemaRef !== undefined ? [` yaml-language-server: $schema=${schemaRef}`, ''] : []),
    ' DDAS augmentation policy.',
    ` ${originLine(policy)}`,
    '',
    ...SEMANTICS_LINES.map((l) => ` ${l}`),
  ];
  doc.commentBefore = header.join('\n');
  const root = doc.contents as YAMLMap<Node, Node>;
  for (const pair of root.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : '';
    if (KEY_COMMENTS[key] && isScalar(pair.key)) pair.key.commentBefore = KEY_COMMENTS[key];
  }
  annotateOperations(root.get('operations', true), policy.operations);
  const schedule = root.get('schedule', true);
  if (isSeq(schedule)) {
    schedule.items.forEach((item, i) => {
      if (isMap(item)) annotateOperations(item.get('operations', true), policy.schedule?.[i]?.operations ?? []);
    });
  }
  return doc.toString({ lineWidth: 0 });
}

/** One flow mapping per operation, with its concrete meaning as a trailing comment. */
function annotateOperations(node: unknown, operations: readonly PolicyOperation[]): void {
  if (!isSeq(node)) return;
  (node as YAMLSeq<Node>).items.forEach((item, i) => {
    if (!isMap(item) || !operations[i]) return;
    item.flow = true;
    const meaning = entryMeaning(operations[i]);
    if (meaning !== operations[i].op) item.comment = ` ${meaning}`;
  });
}

export function readPolicyYaml(text: string): ValidationResult {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => ({ path: '(root)', message: `not valid YAML: ${e.message.split('\n')[0]}` })) };
  }
  return validatePolicy(doc.toJS());
}
