/**
 * The fixed part of the generated Python module: the sampler and the ops. It mirrors
 * src/shared/sampler.ts line for line (same draws in the same order) and applies each op
 * through torchvision.transforms.functional / PIL exactly as scripts/make-op-references.py
 * does, so a policy means the same thing in PyTorch as in the engine.
 */
export const PYTHON_BODY = String.raw`
class AppliedOp(NamedTuple):
    """One operation as it is applied to one image; everything random is drawn already."""

    op: str
    magnitude: float  # in [0, 1]; 0 for operations without magnitude
    sign: int  # +1 or -1; drawn per image for signed operations, +1 otherwise
    position: Tuple[float, float]  # uniforms in [0, 1) placing Cutout's centre (x, y)


def policy_at(progress: float, policy: Optional[dict] = None) -> dict:
    """The stage in force at training progress t in [0, 1]: the first schedule entry with
    t < untilProgress (the last entry after that), or the policy itself without a schedule."""
    policy = POLICY if policy is None else policy
    schedule = policy.get("schedule")
    if schedule:
        for entry in schedule:
            if progress < entry["untilProgress"]:
                return entry
        return schedule[-1]
    return policy


def _categorical(weights: Sequence[float], rng) -> int:
    total = 0.0
    for w in weights:
        total += w
    u = rng.random() * total
    for i, w in enumerate(weights):
        u -= w
        if u < 0:
            return i
    # Rounding left a sliver: the last index with non-zero weight.
    for i in range(len(weights) - 1, -1, -1):
        if weights[i] > 0:
            return i
    raise ValueError("a policy stage needs at least one operation with positive probability")


def draw_op(entry: dict, rng) -> AppliedOp:
    """Draws what is random about one operation: its sign (signed ops) and Cutout's position."""
    op = entry["op"]
    sign = (1 if rng.random() < 0.5 else -1) if op in SIGNED_OPS else 1
    position = (rng.random(), rng.random()) if op == "Cutout" else (0.5, 0.5)
    return AppliedOp(op, entry.get("magnitude", 0), sign, position)


def sample_plan(rng=None, progress: float = 0.0, policy: Optional[dict] = None) -> List[AppliedOp]:
    """The operations for one image, in order; [] when the image is left alone.

    rng: anything with random() -> [0, 1) (random.Random; default the random module,
    which PyTorch's DataLoader seeds differently in each worker)."""
    policy = POLICY if policy is None else policy
    rng = random if rng is None else rng
    stage = policy_at(progress, policy)
    weights = [o["probability"] for o in stage["operations"]]
    if rng.random() >= stage["applyProbability"]:
        return []
    return [draw_op(stage["operations"][_categorical(weights, rng)], rng) for _ in range(policy["opsPerImage"])]


def _js_round(x: float) -> int:
    """JavaScript's Math.round (halves toward +infinity), as the engine computes parameters."""
    r = math.floor(x)
    return r + 1 if x - r >= 0.5 else r


def op_parameter(op: str, m: float, sign: int, width: int, height: int):
    """The concrete parameter of op at magnitude m: degrees, shear factor, whole pixels,
    enhance factor, bits kept, threshold or Cutout side (the engine's opParameter)."""
    kind = MAGNITUDE_KIND.get(op)
    if kind is None:
        return 0
    s = sign if op in SIGNED_OPS else 1
    top = MAGNITUDE_MAX[op]
    if kind in ("shear", "rotate"):
        return s * top * m
    if kind == "translate":
        side = width if op == "TranslateX" else height
        return s * math.trunc(top * side * m)
    if kind == "enhance":
        return 1 + s * top * m
    if kind == "posterize":
        return 8 - _js_round(top * m)
    if kind == "solarize":
        return top * (1 - m)
    if kind == "cutout":
        return _js_round(top * m * min(width, height))
    raise ValueError(op)


def _float32(u: float) -> float:
    # The engine keeps positions as float32; rounding the same way places Cutout identically.
    return struct.unpack("f", struct.pack("f", u))[0]


def _cutout(img: Image.Image, side: int, position: Tuple[float, float]) -> Image.Image:
    """A gray square [c - side//2, c - side//2 + side) on each axis, c = floor(u * size), clipped."""
    side = max(0, side)
    width, height = img.size
    x0 = math.floor(_float32(position[0]) * width) - side // 2
    y0 = math.floor(_float32(position[1]) * height) - side // 2
    box = (max(x0, 0), max(y0, 0), min(x0 + side, width), min(y0 + side, height))
    if box[0] >= box[2] or box[1] >= box[3]:
        return img
    out = img.copy()
    bands = len(img.getbands())
    out.paste(CUTOUT_FILL if bands == 1 else (CUTOUT_FILL,) * bands, box)
    return out


def apply_op(img: Image.Image, applied: AppliedOp, fill: int = 0, interpolation: str = "nearest") -> Image.Image:
    """One operation on a PIL image (mode L or RGB), as torchvision's autoaugment applies it."""
    op = applied.op
    width, height = img.size
    p = op_parameter(op, applied.magnitude, applied.sign, width, height)
    mode = InterpolationMode.BILINEAR if interpolation == "bilinear" else InterpolationMode.NEAREST
    if op == "Identity":
        return img
    if op == "FlipLR":
        return F.hflip(img)
    if op == "FlipUD":
        return F.vflip(img)
    if op == "AutoContrast":
        return F.autocontrast(img)
    if op == "Equalize":
        return F.equalize(img)
    if op == "Invert":
        return F.invert(img)
    if op == "Blur":
        return img.filter(ImageFilter.BLUR)
    if op == "Smooth":
        return img.filter(ImageFilter.SMOOTH)
    if op == "ShearX":
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[math.degrees(math.atan(p)), 0.0],
                        interpolation=mode, fill=fill, center=[0, 0])
    if op == "ShearY":
        return F.affine(img, angle=0.0, translate=[0, 0], scale=1.0, shear=[0.0, math.degrees(math.atan(p))],
                        interpolation=mode, fill=fill, center=[0, 0])
    if op == "TranslateX":
        return F.affine(img, angle=0.0, translate=[int(p), 0], scale=1.0, shear=[0.0, 0.0],
                        interpolation=mode, fill=fill)
    if op == "TranslateY":
        return F.affine(img, angle=0.0, translate=[0, int(p)], scale=1.0, shear=[0.0, 0.0],
                        interpolation=mode, fill=fill)
    if op == "Rotate":
        return F.rotate(img, p, interpolation=mode, fill=fill)
    if op == "Posterize":
        return F.posterize(img, int(p))
    if op == "Solarize":
        return F.solarize(img, p)
    if op == "Color":
        return F.adjust_saturation(img, p)
    if op == "Contrast":
        return F.adjust_contrast(img, p)
    if op == "Brightness":
        return F.adjust_brightness(img, p)
    if op == "Sharpness":
        return F.adjust_sharpness(img, p)
    if op == "Cutout":
        return _cutout(img, int(p), applied.position)
    raise ValueError(f"unknown operation {op!r}")


def _check_input(img) -> None:
    # Checked whether or not the image is augmented, so a bad pipeline fails at once.
    if isinstance(img, torch.Tensor):
        if img.dtype != torch.uint8 or img.ndim != 3 or img.shape[0] not in (1, 3):
            raise TypeError(f"DdasAugment takes uint8 tensors [C, H, W] with C = 1 or 3 (got {img.dtype} {tuple(img.shape)}); "
                            "put it before ToTensor()/ConvertImageDtype in the pipeline")
    elif not isinstance(img, Image.Image):
        raise TypeError(f"DdasAugment takes PIL images or uint8 tensors, got {type(img).__name__}")
    elif img.mode not in ("L", "RGB"):
        raise ValueError(f"DDAS ops take mode L or RGB images, got mode {img.mode}; convert first, e.g. img.convert('RGB')")


def apply_plan(img, plan: Sequence[AppliedOp], fill: int = 0, interpolation: str = "nearest"):
    """Applies the plan's operations in order to a PIL image (L or RGB) or a uint8 tensor
    [C, H, W] (C = 1 or 3). Tensors go through PIL so both give identical pixels."""
    _check_input(img)
    if not plan:
        return img
    if isinstance(img, torch.Tensor):
        pil = apply_plan(F.to_pil_image(img.cpu()), plan, fill, interpolation)
        return F.pil_to_tensor(pil).to(img.device)
    for applied in plan:
        img = apply_op(img, applied, fill, interpolation)
    return img


class DdasAugment:
    """The policy as a torchvision transform: per image (PIL L/RGB, or uint8 tensor
    [C, H, W] or [N, C, H, W]) draws a plan with sample_plan and applies it.

    progress_fn: a callable returning training progress in [0, 1] (picks the schedule
    entry); otherwise set_progress(t) / set_epoch(epoch, epochs) set it.
    seed: a private random.Random(seed) for reproducible single-process runs; leave it
    None with DataLoader workers (PyTorch seeds the random module per worker).
    """

    def __init__(self, progress_fn: Optional[Callable[[], float]] = None, seed: Optional[int] = None,
                 policy: Optional[dict] = None):
        self.policy = POLICY if policy is None else policy
        self.progress_fn = progress_fn
        self.rng = random.Random(seed) if seed is not None else None
        options = self.policy.get("options") or {}
        self.fill = int(options.get("fill", 0))
        self.interpolation = options.get("interpolation", "nearest")
        self._progress = 0.0

    @property
    def progress(self) -> float:
        return float(self.progress_fn()) if self.progress_fn is not None else self._progress

    def set_progress(self, progress: float) -> None:
        if not 0.0 <= progress <= 1.0:
            raise ValueError(f"progress must be in [0, 1], got {progress}")
        self._progress = float(progress)

    def set_epoch(self, epoch: int, epochs: int) -> None:
        """Progress = epoch / epochs (epoch counted from 0)."""
        self.set_progress(min(max(epoch / epochs, 0.0), 1.0))

    def sample_plan(self) -> List[AppliedOp]:
        return sample_plan(self.rng, self.progress, self.policy)

    def __call__(self, img):
        if isinstance(img, torch.Tensor) and img.ndim == 4:
            return torch.stack([self(x) for x in img]) if len(img) > 0 else img
        return apply_plan(img, self.sample_plan(), self.fill, self.interpolation)

    def __repr__(self) -> str:
        stage = policy_at(self.progress, self.policy)
        return (f"{type(self).__name__}(opsPerImage={self.policy['opsPerImage']}, "
                f"applyProbability={stage['applyProbability']}, operations={len(stage['operations'])}, "
                f"progress={self.progress})")
`;
