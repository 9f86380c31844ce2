// Each benchmark owns one "## Title" section of docs/benchmarks.md and replaces only that one.
import { readFileSync, writeFileSync } from 'node:fs';

export function replaceSection(doc: string, title: string, section: string): string {
  const at = doc.indexOf(`\n## ${title}\n`);
  if (at < 0) return `${doc.trimEnd()}\n\n${section.trimEnd()}\n`;
  const next = doc.indexOf('\n## ', at + 1);
  return `${doc.slice(0, at + 1)}${section.trimEnd()}\n${next >= 0 ? doc.slice(next) : ''}`;
}

export function writeSection(file: string, title: string, section: string): void {
  let doc = '# Benchmarks\n\nResults of `make bench`, one section per benchmark.\n';
  try {
    doc = readFileSync(file, 'utf8');
  } catch {}
  writeFileSync(file, replaceSection(doc, title, section));
}
