// Number formats of the generated capacity docs: fixed, locale-free, so the output is the same everywhere.

/** An integer with a space between thousands: 30 000. */
export function int(v: number): string {
  return String(Math.round(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/** A rate or share: whole numbers above 100, otherwise up to `digits` decimals without trailing zeros. */
export function num(v: number, digits = 2): string {
  if (Math.abs(v) >= 100) return int(v);
  return String(Number(v.toFixed(digits)));
}

/** Bytes in binary units, as Redis' maxmemory reads them (1mb = 1 MiB). */
export function bytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let x = v;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x >= 100 || i === 0 ? int(x) : x.toFixed(1)} ${units[i]}`;
}

/** Redis' own notation ("256mb", "1gb"), read as bytes (Redis takes k/m/g as powers of 1024). */
export function redisBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?$/i.exec(s.trim());
  if (!m) throw new Error(`not a Redis size: ${s}`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(m[2] ?? 'b').toLowerCase() as 'b'];
  return Number(m[1]) * unit;
}

/** "peak / sale". */
export const pair = (x: { peak: number; sale: number }, f: (v: number) => string = int): string =>
  `${f(x.peak)} / ${f(x.sale)}`;
