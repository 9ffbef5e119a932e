// The house's layers, checked by dependency-cruiser (`npx depcruise electron shared renderer`, and
// test/unit/layering.test.ts): shared/ is plain TypeScript, the engine and the rest of electron/
// except main.ts and preload.ts are plain Node, the renderer is browser code. See STYLE.md.
//
// Type-only imports count too (tsPreCompilationDeps): a type from the wrong layer drags its
// layer's assumptions in just the same.

// npm packages each browser-side layer may use; anything else from node_modules is refused, so a
// Node-only package (the AWS SDK, ws, keytar, commander) cannot slip into the page. A new browser
// package is one more name here.
const SHARED_PACKAGES = ['zod'];
const RENDERER_PACKAGES = [...SHARED_PACKAGES, 'react', 'react-dom', 'zustand', '@tanstack/react-virtual'];

const packagesOtherThan = (names) => `^node_modules/(?!(${names.join('|')})/)`;
// 'electron' resolves into node_modules/electron/ when installed; the bare name when it is not.
const ELECTRON = '^(node_modules/electron/|electron$)';
// Where the renderer's build tooling lives: it runs in Node, not in the page.
const RENDERER_TOOLING = '^renderer/vite\\.config\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'shared-no-node',
      comment: 'shared/ runs in the renderer too: no Node built-in.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-only-shared',
      comment: 'shared/ imports only shared/ and the plain packages named in SHARED_PACKAGES.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { pathNot: [`^shared/`, `^node_modules/(${SHARED_PACKAGES.join('|')})/`], dependencyTypesNot: ['core'] },
    },
    {
      name: 'engine-plain-node',
      comment: 'The engine is plain Node: never electron, the renderer, or the layers above it.',
      severity: 'error',
      from: { path: '^electron/engine/' },
      to: { path: [ELECTRON, '^renderer/', '^electron/(services|host|cli)/', '^electron/(main|preload)\\.ts$'] },
    },
    {
      name: 'node-layers-no-electron',
      comment: 'The command line, the services and the browser host are plain Node: never electron or the renderer.',
      severity: 'error',
      from: { path: '^electron/(cli|services|host)/' },
      to: { path: [ELECTRON, '^renderer/', '^electron/(main|preload)\\.ts$'] },
    },
    {
      name: 'renderer-no-node',
      comment: 'The renderer is browser code: no Node built-in.',
      severity: 'error',
      from: { path: '^renderer/', pathNot: RENDERER_TOOLING },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'renderer-no-electron',
      comment: 'The renderer reaches the main process through shared/api.ts only: nothing from electron/, nor electron itself.',
      severity: 'error',
      from: { path: '^renderer/', pathNot: RENDERER_TOOLING },
      to: { path: [ELECTRON, '^electron/'] },
    },
    {
      name: 'renderer-browser-packages',
      comment: 'The renderer imports renderer/, shared/ and the browser packages named in RENDERER_PACKAGES only.',
      severity: 'error',
      from: { path: '^renderer/', pathNot: RENDERER_TOOLING },
      to: { path: packagesOtherThan(RENDERER_PACKAGES), pathNot: ELECTRON },
    },
    {
      name: 'layers-resolvable',
      comment: 'An import that cannot be resolved cannot be checked.',
      severity: 'error',
      from: { path: '^(shared|renderer|electron)/' },
      to: { couldNotResolve: true, pathNot: ELECTRON },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^dist/' },
    moduleSystems: ['es6', 'cjs'],
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
  },
};
