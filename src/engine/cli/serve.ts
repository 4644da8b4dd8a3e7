/** `ddas serve`: the JSON-lines engine process the extension talks to. */
import type { BackendReport } from '../../shared/protocol';
import { selectBackend, type BackendRequest } from '../backend/select';
import { runEvaluateJob } from '../evaluate/job';
import { runSearchJob } from '../search/job';
import { serve } from '../serve/server';

export async function runServe(backendRequest: BackendRequest, version: string): Promise<void> {
  // stdout carries the protocol only: anything a library prints goes to stderr.
  console.log = console.error;
  console.info = console.error;
  let backend: BackendReport | undefined;
  await serve(process.stdin, (text) => process.stdout.write(text), {
    versions: { ddas: version, node: process.versions.node },
    backend: async () => {
      const s = await selectBackend(backendRequest);
      backend = { name: s.name, device: s.device, skipped: s.reasons.map((r) => ({ backend: r.backend, reason: r.skipped })) };
      return backend;
    },
    search: async (req, emit, signal) => {
      await runSearchJob(req, emit, signal, backend as BackendReport);
    },
    evaluate: async (req, emit, signal) => {
      await runEvaluateJob(req, emit, signal, backend as BackendReport);
    },
  });
}
