// Exact decimal strings (the API's prices and quantities) as scaled BigInts, for validation
// against tick and lot sizes without binary floating point. Numbers (doubles) are used only
// for drawing (chart, depth bars).
export interface Decimal {
  units: bigint; // value × 10^scale
  scale: number;
}

const pattern = /^([+-])?(\d+)(?:\.(\d+))?$/;

export function parseDecimal(text: string): Decimal | null {
  const m = pattern.exec(text.trim());
  if (!m) return null;
  const fraction = m[3] ?? '';
  const units = BigInt(m[2] + fraction) * (m[1] === '-' ? -1n : 1n);
  return { units, scale: fraction.length };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale);
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const s = Math.max(a.scale, b.scale);
  const x = rescale(a, s);
  const y = rescale(b, s);
  return x < y ? -1 : x > y ? 1 : 0;
}

// True when `value` is a whole multiple of `step` (step > 0).
export function isMultipleOf(value: Decimal, step: Decimal): boolean {
  const s = Math.max(value.scale, step.scale);
  const st = rescale(step, s);
  return st > 0n && rescale(value, s) % st === 0n;
}

// Decimal places actually used, ignoring trailing zeros ("1.50" → 1).
export function significantDecimals(text: string): number {
  const d = parseDecimal(text);
  if (!d) return 0;
  let { units, scale } = d;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  return scale;
}

export function formatDecimal(d: Decimal, scale: number): string {
  const units = d.scale <= scale ? rescale(d, scale) : d.units / 10n ** BigInt(d.scale - scale);
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = scale > 0 ? `.${digits.slice(digits.length - scale)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

// `text` moved by `steps` increments of `step`, at `step`'s scale or more.
export function addSteps(text: string, step: string, steps: number): string | null {
  const v = parseDecimal(text);
  const s = parseDecimal(step);
  if (!v || !s) return null;
  const scale = Math.max(v.scale, s.scale);
  return formatDecimal({ units: rescale(v, scale) + rescale(s, scale) * BigInt(steps), scale }, scale);
}
