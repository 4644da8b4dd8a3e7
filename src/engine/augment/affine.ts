/**
 * The inverse affine matrices torchvision 0.14 and PIL build for the geometric ops.
 * They are PIL's `data` for Image.transform(AFFINE): output pixel (x, y) samples the
 * input at (a0 x' + a1 y' + a2, a3 x' + a4 y' + a5) with x' = x + 0.5, y' = y + 0.5.
 * Computed in doubles in torchvision's order of operations so PIL's rounding sees the
 * same numbers.
 */

/** a0..a5 of one image's inverse affine map, as PIL's `data` argument. */
export type AffineMatrix = readonly [number, number, number, number, number, number];

const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/**
 * The inverse matrix torchvision 0.14 hands to PIL for F.affine (scale 1): rotate by
 * `angle` degrees, shear by (shearX, shearY) degrees about `center`, then translate.
 */
export function torchvisionAffine(
  center: readonly [number, number],
  angle: number,
  translate: readonly [number, number],
  shear: readonly [number, number],
): AffineMatrix {
  const rot = angle * DEG_TO_RAD;
  const sx = shear[0] * DEG_TO_RAD;
  const sy = shear[1] * DEG_TO_RAD;
  const [cx, cy] = center;
  const [tx, ty] = translate;
  // Forward rotation-shear [[a, b], [c, d]] has determinant 1, so its inverse is [[d, -b], [-c, a]].
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  const m0 = d;
  const m1 = -b;
  const m3 = -c;
  const m4 = a;
  // Same evaluation order as torchvision so the doubles agree to the last bit.
  const m2 = 0 + (m0 * (-cx - tx) + m1 * (-cy - ty)) + cx;
  const m5 = 0 + (m3 * (-cx - tx) + m4 * (-cy - ty)) + cy;
  return [m0, m1, m2, m3, m4, m5];
}

/** torchvision's ShearX/ShearY of RandAugment: shear angle atan(s), about the top-left corner. */
export function shearMatrix(axis: 'x' | 'y', s: number): AffineMatrix {
  const deg = Math.atan(s) * RAD_TO_DEG;
  return torchvisionAffine([0, 0], 0, [0, 0], axis === 'x' ? [deg, 0] : [0, deg]);
}

/** torchvision's TranslateX/Y: whole pixels about the image centre (centre cancels out). */
export function translateMatrix(tx: number, ty: number, width: number, height: number): AffineMatrix {
  return torchvisionAffine([width * 0.5, height * 0.5], 0, [tx, ty], [0, 0]);
}

/** Rounds like Python's round(v, 15), which PIL applies to the rotation matrix. */
function round15(v: number): number {
  return Number(v.toFixed(15));
}

/** PIL Image.rotate's inverse matrix: `degrees` counter-clockwise about the image centre. */
export function rotateMatrix(degrees: number, width: number, height: number): AffineMatrix {
  const angle = -pythonMod360(degrees) * DEG_TO_RAD;
  const cos = round15(Math.cos(angle));
  const sin = round15(Math.sin(angle));
  const nsin = round15(-Math.sin(angle));
  const cx = width / 2;
  const cy = height / 2;
  return [cos, sin, cos * -cx + sin * -cy + 0 + cx, nsin, cos, nsin * -cx + cos * -cy + 0 + cy];
}

function pythonMod360(v: number): number {
  const r = v % 360;
  return r < 0 ? r + 360 : r;
}

/**
 * Exact index maps for the angles PIL rotates by transposition (0, 180, and 90/270 on
 * square images); null when the general affine path applies.
 */
function rotateShortcut(degrees: number, width: number, height: number): ((x: number, y: number) => number) | null {
  const a = pythonMod360(degrees);
  if (a === 0) return (x, y) => y * width + x;
  if (a === 180) return (x, y) => (height - 1 - y) * width + (width - 1 - x);
  if (width !== height) return null;
  if (a === 90) return (x, y) => x * width + (width - 1 - y);
  if (a === 270) return (x, y) => (height - 1 - x) * width + y;
  return null;
}

/** One image's matrix, or an exact index shortcut. */
export type WarpSpec = AffineMatrix | { readonly map: (x: number, y: number) => number };

export function rotateSpec(degrees: number, width: number, height: number): WarpSpec {
  const map = rotateShortcut(degrees, width, height);
  return map ? { map } : rotateMatrix(degrees, width, height);
}

export function isMatrix(spec: WarpSpec): spec is AffineMatrix {
  return Array.isArray(spec);
}
