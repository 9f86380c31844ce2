// Import boundaries, checked by `make lint`: apps import core, core imports no app, apps never import
// each other, and nothing is circular.
const apps = ['api', 'worker', 'operator', 'admin-metrics'];

module.exports = {
  forbidden: [
    {
      name: 'core-imports-no-app',
      severity: 'error',
      comment: 'core/ is shared by every app, so it may not depend on any of them.',
      from: { path: '^core/' },
      to: { path: `^(${apps.join('|')})/` },
    },
    ...apps.map((app) => ({
      name: `${app}-imports-no-other-app`,
      severity: 'error',
      comment: `${app}/ is its own deployable: shared code belongs in core/.`,
      from: { path: `^${app}/` },
      to: { path: `^(${apps.filter((a) => a !== app).join('|')})/` },
    })),
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and modules impossible to test alone.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    preserveSymlinks: false,
  },
};
