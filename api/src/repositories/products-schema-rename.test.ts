// Proves the data layer is typed end to end: renaming a column's property in the Drizzle schema breaks
// the type check of the products repository, instead of passing it and failing at run time.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const catalogue = path.join(root, 'core/src/db/schema/catalogue.ts');
const repository = /\/api\/src\/repositories\/products-[a-z-]+\.ts$/;

function options(): ts.CompilerOptions {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    path.join(root, 'tsconfig.json'),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    },
  );
  assert.ok(parsed);
  return { ...parsed.options, noEmit: true, skipLibCheck: true };
}

/** Type-checks the products repository (and what it imports) with `edit` applied to catalogue.ts. */
function check(opts: ts.CompilerOptions, edit: (text: string) => string, old?: ts.Program) {
  const host = ts.createCompilerHost(opts);
  const { getSourceFile, readFile } = host;
  host.readFile = (file) => {
    const text = readFile.call(host, file);
    return path.resolve(file) === catalogue && text !== undefined ? edit(text) : text;
  };
  host.getSourceFile = (file, language, onError, shouldCreate) => {
    if (path.resolve(file) !== catalogue) return getSourceFile.call(host, file, language, onError, shouldCreate);
    const text = host.readFile(file);
    return text === undefined ? undefined : ts.createSourceFile(file, text, language);
  };
  const roots = ['read', 'write', 'filters', 'dto', 'cursor'].map((f) =>
    path.join(root, `api/src/repositories/products-${f}.ts`),
  );
  const program = ts.createProgram({ rootNames: roots, options: opts, host, oldProgram: old });
  // Only the repository's files are checked (the checker resolves what they use lazily): seconds, not the
  // whole workspace.
  const inRepository = program
    .getSourceFiles()
    .filter((f) => repository.test(f.fileName))
    .flatMap((f) => [...program.getSyntacticDiagnostics(f), ...program.getSemanticDiagnostics(f)])
    .map(
      (d) => `${path.relative(root, d.file?.fileName ?? '')}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
    );
  return { program, inRepository };
}

test('renaming products.priceCents in the schema is a type error in the products repository', () => {
  const opts = options();
  const control = check(opts, (text) => text);
  assert.deepEqual(control.inRepository, [], 'the unmodified schema type-checks');

  const renamed = check(
    opts,
    (text) => {
      const edited = text.replace(
        /^(\s*)priceCents: integer\('price_cents'\)/m,
        "$1priceCentsRenamed: integer('price_cents')",
      );
      assert.notEqual(edited, text, 'the priceCents column is where this test expects it');
      return edited;
    },
    control.program,
  );
  assert.ok(renamed.inRepository.length > 0, 'a renamed column must not type-check');
  assert.ok(
    renamed.inRepository.some((d) => d.includes('priceCents')),
    `the errors name the old property:\n${renamed.inRepository.join('\n')}`,
  );
});
