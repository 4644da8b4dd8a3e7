/**
 * What the policy-editing features (src/extension/editing/) get from the search side:
 * engine previews (refused in untrusted workspaces) and the preview images. Activate
 * wires it with `registerPolicyEditing(context, createEditingDeps(...))`.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { PolicyEditingDeps } from './editing/deps';
import type { EngineHost } from './engine/engine-host';
import { previewSources } from './search/previews';
import type { SearchController } from './search/search-controller';
import { UNTRUSTED_MESSAGE } from './trust';

export function createEditingDeps(engine: EngineHost, search: SearchController, samplePath: string): PolicyEditingDeps {
  return {
    preview: async (body) => {
      if (!vscode.workspace.isTrusted) throw new Error(UNTRUSTED_MESSAGE);
      return (await engine.request({ kind: 'preview', id: engine.nextId('preview'), ...body }, ['preview'], 120000)).images;
    },
    previewSources: () => {
      const plan = search.currentPlan;
      return previewSources(plan ? { dataset: plan.dataset, sampleImages: plan.sampleImages } : undefined, fs.existsSync(samplePath) ? samplePath : undefined, engine.log);
    },
  };
}
