/**
 * A small parser of the Prometheus text exposition format (version 0.0.4), enough for what prom-client
 * writes: comments, label sets with escapes, special values, optional timestamps. Written here rather
 * than taken from npm: the one package for it (parse-prometheus-text-format) is unmaintained and
 * untyped, and its users (the operator's scrape source, the dashboard) need flat samples, not its
 * grouped objects. Shared in core because both scrape the same services.
 */

/** One sample line: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses an exposition; malformed lines are skipped (a scrape should not fail on one odd line). */
export function parsePrometheusText(text: string, keep?: (name: string) => boolean): Sample[] {
  const out: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const sample = parseLine(line, keep);
    if (sample) out.push(sample);
  }
  return out;
}

function parseLine(line: string, keep?: (name: string) => boolean): Sample | undefined {
  const nameEnd = line.search(/[{\s]/);
  if (nameEnd <= 0) return undefined;
  const name = line.slice(0, nameEnd);
  if (keep && !keep(name)) return undefined;
  let i = nameEnd;
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i++;
    for (;;) {
      while (line[i] === ' ' || line[i] === ',') i++;
      if (line[i] === '}') {
        i++;
        break;
      }
      const eq = line.indexOf('=', i);
      if (eq < 0 || line[eq + 1] !== '"') return undefined;
      const key = line.slice(i, eq).trim();
      let value = '';
      let j = eq + 2;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\') {
          j++;
          value += line[j] === 'n' ? '\n' : line[j];
        } else value += line[j];
      }
      if (j >= line.length) return undefined;
      labels[key] = value;
      i = j + 1;
    }
  }
  const [valueText] = line.slice(i).trim().split(/\s+/);
  const value = parseValue(valueText);
  return value === undefined ? undefined : { name, labels, value };
}

function parseValue(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  const v = Number(text);
  return Number.isNaN(v) ? undefined : v;
}
