// Standalone mode (`make up`, no cluster): a policy from a YAML file, real TTLs, reported HPA changes.
export { StandaloneEffects, type StandaloneEvent } from './effects.ts';
export { loadPolicyFile } from './policy-file.ts';
export { runStandalone, type StandaloneOptions } from './run.ts';
