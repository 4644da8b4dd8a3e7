/**
 * Issue 11 probe: one DDAS search on a synthetic or real set, printing per epoch p_aug, the
 * flips' share against uniform, the level-2 perplexity and val accuracy, then the evidence.
 *   npx tsx bench/trust.ts --data=arrows|arrows-null|corners-shift|corners16|fmnist [--epochs=8] [--space=FlipLR,FlipUD] [--la=0.05] [--lb=0.01]
 */
import { registerWasmTrainingKernels } from '../src/engine/backend/kernels';

import { DdasSearch, loadSearchData, type DdasOptions, type SearchData } from '../src/engine/ddas';
import { arrowSearchData, shuffledLabels, cornerSearchData } from '../src/engine/ddas/synthetic';
import { EvidenceAccumulator } from '../src/engine/ddas/evidence';
import { fitSpace } from '../src/engine/ddas/fit-space';
import { openDataset } from '../src/engine/data';
import { buildSpace } from '../src/shared/space';
import { Rng } from '../src/shared/rng';
import { useBackend } from '../src/engine/tf';

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')));
const num = (k: string, d: number): number => (args[k] !== undefined ? Number(args[k]) : d);

async function data(): Promise<SearchData> {
  const train = num('train', 800), val = num('val', 400), seed = num('dseed', 0);
  switch (args.data ?? 'arrows') {
    case 'arrows': return arrowSearchData(train, val, seed);
    case 'arrows-null': { const d = arrowSearchData(train, val, seed); return { ...d, train: shuffledLabels(d.train, 1), val: shuffledLabels(d.val, 2) }; }
    case 'corners': return cornerSearchData(train, val, seed, { size: 28 });
    case 'corners-shift': return cornerSearchData(train, val, seed, { size: 16, centred: true }, { centred: false });
    case 'corners16': return cornerSearchData(train, val, seed, { size: 16 });
    case 'fmnist': { const ds = await openDataset('/usr/share/datasets/fashion-mnist'); const d = await loadSearchData(ds, { train, val }, seed); await ds.close(); return d; }
    default: throw new Error('data?');
  }
}

async function main(): Promise<void> {
  registerWasmTrainingKernels();
  await useBackend('wasm');

  const d = await data();
  const fitted = fitSpace(args.space ? buildSpace(args.space.split(',') as never, [0.25, 0.5, 0.75, 1]) : buildSpace(), d.train, d, Rng.seeded(0));
  console.log('left out:', fitted.leftOut.map((l) => l.category).join(', '));
  const o: DdasOptions = {
    epochs: num('epochs', 8), batch: 32, valBatch: num('vb', 64), seed: num('seed', 0), lrAlpha: num('la', 0.05), lrBeta: num('lb', 0.01),
    space: fitted.space, base: { cropPadding: num('crop', Math.round(d.width / 8)), flipLR: false, cutout: 0 }, evalEachEpoch: true, ...(args.widths ? { model: { kind: 'resnet', widths: args.widths.split('/').map(Number) } } : {}),
  };
  const s = DdasSearch.create(d, o);
  const keys = s.categories;
  const ev = new EvidenceAccumulator(keys.length);
  const t0 = Date.now();
  const dmeans: number[] = [];
  while (!s.done) {
    const r = s.step();
    ev.add(r.subPolicies, r.d);
    dmeans.push(r.d.reduce((a, b) => a + b, 0) / r.d.length);
    if (r.snapshot) {
      const p = s.p; const K = p.length;
      const flips = keys.reduce((a, k, i) => a + (k.startsWith('Flip') ? p[i] : 0), 0);
      const nflip = keys.filter((k) => k.startsWith('Flip')).length;
      const ent = -p.reduce((a, v) => a + (v > 0 ? v * Math.log(v) : 0), 0);
      const recent = dmeans.slice(-s.stepsPerEpoch);
      console.log(`ep ${r.snapshot.epoch + 1} pAug ${s.pAug.toFixed(3)} flips ${(flips / (nflip / K)).toFixed(2)}x ppl ${Math.exp(ent).toFixed(1)}/${K} valAcc ${r.snapshot.valAccuracy.toFixed(3)} meanD ${(recent.reduce((a, b) => a + b, 0) / recent.length).toFixed(3)} ${((Date.now() - t0) / 1000).toFixed(0)}s`);
    }
  }
  const sum = ev.summary(keys);
  const fmt = (v: string) => sum.categories.filter((c) => c.verdict === v).map((c) => `${c.category}(${(c.effect / c.se).toFixed(1)})`).join(' ');
  console.log('augment', sum.augment, 'z', sum.z);
  console.log('harmful:', fmt('harmful'));
  console.log('helpful:', fmt('helpful'));
  const top = s.p.map((v, i) => [v * keys.length, i] as const).sort((a, b) => b[0] - a[0]);
  console.log('top:', top.slice(0, 6).map(([v, i]) => `${keys[i]} ${v.toFixed(2)}x`).join(', '));
  console.log('bottom:', top.slice(-6).map(([v, i]) => `${keys[i]} ${v.toFixed(2)}x`).join(', '));
  const tz = sum.categories.map((c) => ({ k: c.category, t: c.se > 0 ? c.effect / c.se : 0 })).sort((a, b) => a.t - b.t);
  console.log('t lowest:', tz.slice(0, 6).map((c) => `${c.k} ${c.t.toFixed(1)}`).join(', '));
  console.log('t highest:', tz.slice(-4).map((c) => `${c.k} ${c.t.toFixed(1)}`).join(', '));
  s.dispose();
}
main().catch((e) => { console.error(e); process.exit(1); });
