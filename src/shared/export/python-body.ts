/**
 * The fixed part of the generated Python module: the sampler, the ops and the base
 * transform. It mirrors src/shared/sampler.ts and src/shared/base-draw.ts line for line
 * (same draws in the same order) and applies each op through
 * torchvision.transforms.functional / PIL exactly as scripts/make-op-references.py does,
 * so a policy means the same thing in PyTorch as in the engine.
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


NO_BASE = {"cropPadding": 0, "flipLR": False, "cutout": 0}


class BaseDraw(NamedTuple):
    """What is random about the base transform for one image; everything is drawn already."""

    crop_offset: Tuple[int, int]  # top-left (x, y) of the crop window in the padded image, each in [0, 2 * cropPadding]
    flip: bool  # mirror left-right (after the crop)
    cutout_position: Tuple[float, float]  # uniforms in [0, 1) placing the Cutout square's centre (x, y)


def base_of(policy: Optional[dict] = None) -> dict:
    """The policy's base transform; a policy without "base" has none (NO_BASE)."""
    policy = POLICY if policy is None else policy
    return dict(policy.get("base") or NO_BASE)


def describe_base(base: Optional[dict] = None) -> str:
    """E.g. "crop (pad 4) + flip LR" or "none", for logs."""
    base = BASE if base is None else base
    parts = []
    if base["cropPadding"] > 0:
        parts.append(f"crop (pad {base['cropPadding']})")
    if base["flipLR"]:
        parts.append("flip LR")
    if base["cutout"] > 0:
        parts.append(f"Cutout {base['cutout']} px")
    return " + ".join(parts) if parts else "none"


def sample_base(rng=None, base: Optional[dict] = None) -> BaseDraw:
    """Draws one image's crop offset, flip and Cutout position, in the engine's order (crop x,
    crop y, flip, Cutout x, Cutout y; only what the base uses). rng as in sample_plan."""
    base = BASE if base is None else base
    rng = random if rng is None else rng
    pad = int(base["cropPadding"])
    crop = (math.floor(rng.random() * (2 * pad + 1)), math.floor(rng.random() * (2 * pad + 1))) if pad > 0 else (0, 0)
    flip = rng.random() < 0.5 if base["flipLR"] else False
    position = (rng.random(), rng.random()) if base["cutout"] > 0 else (0.5, 0.5)
    return BaseDraw(crop, flip, position)


def _pad_crop(img: Image.Image, pad: int, offset: Tuple[int, int]) -> Image.Image:
    # As RandomCrop(size, padding=pad, fill=0) does it: zero padding, then the window at (x, y).
    x, y = offset
    if not (0 <= x <= 2 * pad and 0 <= y <= 2 * pad):
        raise ValueError(f"crop offset {offset} is outside [0, {2 * pad}] for cropPadding {pad}")
    width, height = img.size
    return F.crop(F.pad(img, [pad], fill=0), y, x, height, width)


def apply_base(img, crop_offset: Tuple[int, int] = (0, 0), flip: bool = False,
               cutout_position: Tuple[float, float] = (0.5, 0.5), base: Optional[dict] = None):
    """The base transform with everything random given (apply_base(img, *sample_base(rng))):
    crop from the zero-padded image at crop_offset, then mirror if flip (and base flipLR),
    then Cutout at cutout_position - the DDAS engine's pixels. PIL L/RGB or uint8 tensor [C, H, W]."""
    _check_input(img)
    base = BASE if base is None else base
    pad, side = int(base["cropPadding"]), int(base["cutout"])
    if pad == 0 and not base["flipLR"] and side == 0:
        return img
    if isinstance(img, torch.Tensor):
        pil = apply_base(F.to_pil_image(img.cpu()), crop_offset, flip, cutout_position, base)
        return F.pil_to_tensor(pil).to(img.device)
    if pad > 0:
        img = _pad_crop(img, pad, crop_offset)
    if base["flipLR"] and flip:
        img = F.hflip(img)
    if side > 0:
        img = _cutout(img, side, cutout_position)
    return img


class RandomPadCrop:
    """RandomCrop(size, padding, fill=0) with size = each input's own size, so one transform
    serves images of any size. rng as in sample_plan."""

    def __init__(self, padding: int, rng=None):
        self.padding = int(padding)
        self.rng = rng

    def __call__(self, img):
        crop = sample_base(self.rng, {"cropPadding": self.padding, "flipLR": False, "cutout": 0}).crop_offset
        return apply_base(img, crop, base={"cropPadding": self.padding, "flipLR": False, "cutout": 0})

    def __repr__(self) -> str:
        return f"{type(self).__name__}(padding={self.padding})"


class Cutout:
    """A gray (CUTOUT_FILL) square of side pixels at a uniformly random centre, clipped at the
    border: the DDAS engine's Cutout, pixel for pixel. rng as in sample_plan."""

    def __init__(self, side: int, rng=None):
        self.side = int(side)
        self.rng = rng

    def __call__(self, img):
        base = {"cropPadding": 0, "flipLR": False, "cutout": self.side}
        return apply_base(img, cutout_position=sample_base(self.rng, base).cutout_position, base=base)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(side={self.side})"


def base_transform(size=None, base: Optional[dict] = None):
    """The base transform as torchvision transforms, for pipelines that want it on its own:
    RandomCrop(size, padding=cropPadding, fill=0) (RandomPadCrop when size is None: each
    image's own size), RandomHorizontalFlip() if flipLR, Cutout(cutout) if cutout."""
    base = BASE if base is None else base
    steps = []
    if base["cropPadding"] > 0:
        pad = int(base["cropPadding"])
        steps.append(RandomPadCrop(pad) if size is None else T.RandomCrop(size, padding=pad, fill=0))
    if base["flipLR"]:
        steps.append(T.RandomHorizontalFlip())
    if base["cutout"] > 0:
        steps.append(Cutout(base["cutout"]))
    return T.Compose(steps)


class DdasAugment:
    """The policy as a torchvision transform: per image (PIL L/RGB, or uint8 tensor
    [C, H, W] or [N, C, H, W]) draws a plan with sample_plan and applies it.

    progress_fn: a callable returning training progress in [0, 1] (picks the schedule
    entry); otherwise set_progress(t) / set_epoch(epoch, epochs) set it.
    seed: a private random.Random(seed) for reproducible single-process runs; leave it
    None with DataLoader workers (PyTorch seeds the random module per worker).
    include_base: then apply the policy's base transform (BASE: random crop, flip, Cutout),
    as the search did. Pass False when the pipeline already has its own crop/flip.
    """

    def __init__(self, progress_fn: Optional[Callable[[], float]] = None, seed: Optional[int] = None,
                 policy: Optional[dict] = None, include_base: bool = True):
        self.policy = POLICY if policy is None else policy
        self.include_base = include_base
        self.base = base_of(self.policy) if include_base else dict(NO_BASE)
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
        img = apply_plan(img, self.sample_plan(), self.fill, self.interpolation)
        # Policy first, then the base: the order the search trained under.
        return apply_base(img, *sample_base(self.rng, self.base), base=self.base)

    def __repr__(self) -> str:
        stage = policy_at(self.progress, self.policy)
        return (f"{type(self).__name__}(opsPerImage={self.policy['opsPerImage']}, "
                f"applyProbability={stage['applyProbability']}, operations={len(stage['operations'])}, "
                f"progress={self.progress}, base={describe_base(self.base)!r})")
`;
