"""Drives generated DDAS Python modules for test/engine/export-python.test.ts.

Reads a job (JSON) on stdin, imports the generated modules, and prints one JSON object
on stdout; op outputs go to files in job["outDir"]. Run with Debian's /usr/bin/python3.
"""
import array
import ast
import importlib
import json
import random
import sys

import torch
import torchvision.transforms as T
import torchvision.transforms.functional as F
from PIL import Image


class Replay:
    """An rng whose random() replays the engine's uniforms, to compare plans draw for draw."""

    def __init__(self, path):
        self.values = array.array("d")
        with open(path, "rb") as f:
            self.values.frombytes(f.read())
        self.i = 0

    def random(self):
        v = self.values[self.i]
        self.i += 1
        return v


def key(mod, a):
    return f"{a.op}@{a.magnitude}" if a.op in mod.MAGNITUDE_KIND else a.op


def imports_of(path):
    tree = ast.parse(open(path).read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module.split(".")[0])
    return sorted(names)


def stats(mod, draws, seed):
    rng = random.Random(seed)
    applied, counts, signs, lengths = 0, {}, {}, set()
    for _ in range(draws):
        plan = mod.sample_plan(rng, 0.0)
        if not plan:
            continue
        applied += 1
        lengths.add(len(plan))
        for a in plan:
            k = key(mod, a)
            counts[k] = counts.get(k, 0) + 1
            if a.op in mod.SIGNED_OPS:
                s = signs.setdefault(a.op, [0, 0])
                s[0 if a.sign > 0 else 1] += 1
    return {"draws": draws, "applied": applied, "counts": counts, "signs": signs, "lengths": sorted(lengths)}


def replay(mod, path, count, progress):
    rng = Replay(path)
    plans = []
    for _ in range(count):
        plans.append([[a.op, a.magnitude, a.sign, list(a.position)] for a in mod.sample_plan(rng, progress)])
    return {"plans": plans, "used": rng.i}


def schedule(mod, progresses, draws):
    out = {"stages": [], "rates": []}
    stages = mod.POLICY["schedule"]
    for t in progresses:
        out["stages"].append(stages.index(mod.policy_at(t)))
    rng = random.Random(3)
    for t in progresses:
        plans = [mod.sample_plan(rng, t) for _ in range(draws)]
        ops = sorted({a.op for p in plans for a in p})
        out["rates"].append({"progress": t, "applied": sum(1 for p in plans if p), "ops": ops})
    aug = mod.DdasAugment(seed=1)
    epochs = []
    for e in range(10):
        aug.set_epoch(e, 10)
        epochs.append([aug.progress, stages.index(mod.policy_at(aug.progress))])
    out["epochs"] = epochs
    box = {"t": 0.7}
    aug_fn = mod.DdasAugment(progress_fn=lambda: box["t"])
    out["progressFn"] = [aug_fn.progress, stages.index(mod.policy_at(aug_fn.progress))]
    return out


def ops(mod, job):
    """Every manifest row applied by the module's apply_plan, on PIL images and on uint8 tensors."""
    manifest = json.load(open(job["fixtures"] + "/manifest.json"))
    for s in manifest["sources"]:
        src = Image.open(job["fixtures"] + "/" + s["source"])
        src.load()
        pil_out, tensor_out = bytearray(), bytearray()
        for r in s["rows"]:
            pos = tuple(r["uniforms"]) if "uniforms" in r else (0.5, 0.5)
            plan = [mod.AppliedOp(r["op"], r["magnitude"] or 0, r["sign"], pos)]
            res = mod.apply_plan(src, plan)
            assert res.size == src.size and res.mode == src.mode, (r, res.size, res.mode)
            pil_out += res.tobytes()
            t = mod.apply_plan(F.pil_to_tensor(src), plan)
            assert t.dtype == torch.uint8 and tuple(t.shape) == (len(src.getbands()), src.height, src.width), r
            tensor_out += F.to_pil_image(t).tobytes()
        with open(f"{job['outDir']}/{s['name']}.pil.bin", "wb") as f:
            f.write(pil_out)
        with open(f"{job['outDir']}/{s['name']}.tensor.bin", "wb") as f:
            f.write(tensor_out)
    return len(manifest["sources"])


def base_pixels(mod, job):
    """Every base case and draw applied by the module's apply_base to every source, PIL and tensor."""
    manifest = json.load(open(job["fixtures"] + "/manifest.json"))
    for s in manifest["sources"]:
        src = Image.open(job["fixtures"] + "/" + s["source"])
        src.load()
        pil_out, tensor_out = bytearray(), bytearray()
        for case in job["baseCases"]:
            for d in case["draws"]:
                args = (tuple(d["crop"]), d["flip"], tuple(d["position"]))
                res = mod.apply_base(src, *args, base=case["base"])
                assert res.size == src.size and res.mode == src.mode, (case, d, res.size, res.mode)
                pil_out += res.tobytes()
                t = mod.apply_base(F.pil_to_tensor(src), *args, base=case["base"])
                tensor_out += F.to_pil_image(t).tobytes()
        with open(f"{job['outDir']}/{s['name']}.base.pil.bin", "wb") as f:
            f.write(pil_out)
        with open(f"{job['outDir']}/{s['name']}.base.tensor.bin", "wb") as f:
            f.write(tensor_out)
    return len(manifest["sources"])


def base_behaviour(mod, plain, job):
    """base_transform, Cutout and DdasAugment(include_base) against apply_base with the same draws."""
    fixtures = job["fixtures"]
    img = Image.open(fixtures + "/sources/astronaut.png").convert("RGB")
    crop_flip = {"cropPadding": 2, "flipLR": True, "cutout": 0}
    candidates = {mod.apply_base(img, (x, y), f, base=crop_flip).tobytes() for x in range(5) for y in range(5) for f in (False, True)}
    transforms = {}
    for name, size in (("ownSize", None), ("randomCrop", (48, 48))):
        t = mod.base_transform(size, crop_flip)
        torch.manual_seed(0)
        random.seed(0)
        outs = [t(img).tobytes() for _ in range(60)]
        transforms[name] = {"inCandidates": all(o in candidates for o in outs), "distinct": len(set(outs)), "repr": repr(t)}
    cut = {"cropPadding": 0, "flipLR": False, "cutout": 7}
    c, r = mod.Cutout(7, rng=random.Random(5)), random.Random(5)
    cutout_same = all(c(img).tobytes() == mod.apply_base(img, cutout_position=(r.random(), r.random()), base=cut).tobytes() for _ in range(20))
    gray = Image.open(fixtures + "/sources/fmnist-bag.png")
    gray.load()
    aug, r = mod.DdasAugment(seed=4), random.Random(4)
    with_base = all(aug(gray).tobytes() == mod.apply_base(mod.apply_plan(gray, mod.sample_plan(r, 0.0)), *mod.sample_base(r)).tobytes() for _ in range(40))
    aug, r = mod.DdasAugment(seed=4, include_base=False), random.Random(4)
    without_base = all(aug(gray).tobytes() == mod.apply_plan(gray, mod.sample_plan(r, 0.0)).tobytes() for _ in range(40))
    aug, r = plain.DdasAugment(seed=4), random.Random(4)
    no_base_policy = all(aug(gray).tobytes() == plain.apply_plan(gray, plain.sample_plan(r, 0.0)).tobytes() for _ in range(40))
    batch = torch.stack([F.pil_to_tensor(img)] * 3)
    rng = Replay(job["baseUniforms"])
    replayed = [mod.sample_base(rng, job["baseReplay"]["base"]) for _ in range(job["baseReplay"]["count"])]
    return {
        "transforms": transforms,
        "cutout": cutout_same,
        "withBase": with_base,
        "withoutBase": without_base,
        "noBasePolicy": no_base_policy,
        "batch": list(mod.DdasAugment(seed=0)(batch).shape),
        "base": mod.BASE,
        "plainBase": plain.BASE,
        "repr": repr(mod.DdasAugment()),
        "replay": {"draws": [[list(d.crop_offset), d.flip, list(d.cutout_position)] for d in replayed], "used": rng.i},
    }


def compose(mod, fixtures):
    aug = mod.DdasAugment(seed=0)
    img = Image.open(fixtures + "/sources/astronaut.png").convert("RGB")
    x = T.Compose([aug, T.ToTensor()])(img)
    batch = torch.stack([F.pil_to_tensor(img)] * 4)
    y = T.Compose([aug, T.ConvertImageDtype(torch.float32)])(batch)
    try:
        aug(torch.zeros(3, 4, 4))
        float_error = None
    except TypeError as e:
        float_error = str(e)
    return {"pil": list(x.shape), "batch": list(y.shape), "floatError": float_error, "repr": repr(aug)}


def main():
    job = json.load(sys.stdin)
    sys.path.insert(0, job["moduleDir"])
    stats_mod = importlib.import_module(job["statsModule"])
    sched_mod = importlib.import_module(job["scheduleModule"])
    full_mod = importlib.import_module(job["fullModule"])
    based_mod = importlib.import_module(job["basedModule"])
    print(json.dumps({
        "imports": imports_of(stats_mod.__file__),
        "stats": stats(stats_mod, job["draws"], 11),
        "replay": replay(stats_mod, job["uniforms"], job["replayCount"], 0.0),
        "schedule": schedule(sched_mod, job["progresses"], job["scheduleDraws"]),
        "ops": ops(stats_mod, job),
        "compose": compose(stats_mod, job["fixtures"]),
        "basePixels": base_pixels(based_mod, job),
        "base": base_behaviour(based_mod, stats_mod, job),
        "full": {"policy": full_mod.POLICY, "doc": full_mod.__doc__.splitlines()[2], "repr": repr(full_mod.DdasAugment())},
    }))


if __name__ == "__main__":
    main()
