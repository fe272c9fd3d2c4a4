/**
 * Layering rules (issue 7): services depend on shared, never the reverse; the ML core imports nothing
 * of the sweep system; schemas import nothing from search; no cycles anywhere.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'import cycles make modules impossible to reason about in isolation', from: {}, to: { circular: true } },
    { name: 'shared-not-to-services', severity: 'error', comment: 'shared/ is the domain; services/ only wire it', from: { path: '^shared/' }, to: { path: '^services/' } },
    { name: 'shared-not-to-tests', severity: 'error', from: { path: '^(shared|services)/' }, to: { path: '^(test|bench)/' } },
    {
      name: 'ml-is-standalone',
      severity: 'error',
      comment: 'the learners know nothing of queues, indexes, stores or sweeps (they run in threads, benches and predict)',
      from: { path: '^shared/ml/' },
      to: { path: '^shared/(sweep|queue|index|store|read-model|query|search|runtime|config)/' },
    },
    { name: 'schemas-not-to-search', severity: 'error', comment: 'search builds on the schemas, not the other way round', from: { path: '^shared/schemas/' }, to: { path: '^shared/search/' } },
    { name: 'services-not-to-each-other', severity: 'error', comment: 'each service wires shared/ on its own (the CLI may start the worker and scheduler in-process)', from: { path: '^services/(worker|scheduler)/' }, to: { path: '^services/(cli)/' } },
    { name: 'no-orphans', severity: 'warn', from: { orphan: true, pathNot: ['\\.d\\.ts$', '(^|/)\\.[^/]+\\.(js|cjs|mjs|ts|json)$', '^(eslint|knip)\\.', '\\.test\\.ts$',
      // Started by path, not imported: the bundles' loader (bin/sweepq.js, dist/bundle/*.mjs) and the bench's trace hook (--import).
      '^shared/runtime/cached-bundle\\.ts$', '^bench/support/process-trace-hook\\.ts$'] }, to: {} },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.tsx', '.js', '.mjs'] },
  },
};
