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
    print(json.dumps({
        "imports": imports_of(stats_mod.__file__),
        "stats": stats(stats_mod, job["draws"], 11),
        "replay": replay(stats_mod, job["uniforms"], job["replayCount"], 0.0),
        "schedule": schedule(sched_mod, job["progresses"], job["scheduleDraws"]),
        "ops": ops(stats_mod, job),
        "compose": compose(stats_mod, job["fixtures"]),
        "full": {"policy": full_mod.POLICY, "doc": full_mod.__doc__.splitlines()[2], "repr": repr(full_mod.DdasAugment())},
    }))


if __name__ == "__main__":
    main()
