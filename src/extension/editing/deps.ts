/** What the policy-editing features need from the rest of the extension. */
import type { Policy } from '../../shared/policy';
import type { PreviewImage, Request } from '../../shared/protocol';

/** A `preview` request without its envelope (the engine client adds kind and id). */
export type PreviewRequestBody = Omit<Extract<Request, { kind: 'preview' }>, 'kind' | 'id'>;

/** The images previews are drawn from: files/bytes, or picks from a dataset. */
export type PreviewSources = Pick<PreviewRequestBody, 'images' | 'dataset'>;

export interface PolicyEditingDeps {
  /** Sends a `preview` request to the engine and resolves with its images (rejects on an engine error). */
  preview(request: PreviewRequestBody): Promise<readonly PreviewImage[]>;
  /**
   * The preview images: the `ddas.preview.images` setting, else a few images of the last
   * searched dataset, else the embedded sample; undefined when there are none.
   */
  previewSources(): Promise<PreviewSources | undefined>;
  /** Optional: show a policy's samples in the panel's grid instead of the built-in preview. */
  showPolicyPreview?(policy: Policy, title: string): Promise<void>;
}
