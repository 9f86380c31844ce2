/** The Node major the platform is built and tested on. */
export const SUPPORTED_NODE_MAJOR = 24;

/**
 * Fails at start-up, with a message that says how to fix it, when the process runs on another Node:
 * the sources rely on Node 24's type stripping and APIs, and a silent run on an older Node fails later
 * in confusing ways.
 */
export function assertSupportedNode(version: string = process.versions.node): void {
  const major = Number(version.split('.')[0]);
  if (major !== SUPPORTED_NODE_MAJOR) {
    throw new Error(
      `Avelon needs Node ${SUPPORTED_NODE_MAJOR}.x, this is ${version}. Run through make (it installs ` +
        `Node ${SUPPORTED_NODE_MAJOR} into .tools/bin) or put .tools/bin first on PATH.`,
    );
  }
}
