import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  crdGroup,
  crdPlural,
  crdVersion,
  parsePolicySpec,
  type ScalingPolicySpec,
  type ScalingPolicyStatus,
} from '../crd/index.ts';
import { InvalidPolicyError } from '../errors.ts';
import { type StatusWrite, statusWrite } from '../evaluate/index.ts';
import type { Kube } from './kube.ts';
import { fieldManager } from './reasons.ts';

/** A ScalingPolicy as the apiserver sends it: the spec still to be parsed. */
export interface RawPolicy {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string; uid?: string; generation?: number; resourceVersion?: string };
  spec: unknown;
  status?: ScalingPolicyStatus;
}

/** The watch path of the ScalingPolicies of one namespace. */
export const policiesPath = (namespace: string) =>
  `/apis/${crdGroup}/${crdVersion}/namespaces/${namespace}/${crdPlural}`;

/** Lists the ScalingPolicies of one namespace (the watch's list, and its re-list after a 410 Gone). */
export const listPolicies = async (kube: Kube, namespace: string) =>
  (await kube.custom.listNamespacedCustomObject({
    group: crdGroup,
    version: crdVersion,
    namespace,
    plural: crdPlural,
  })) as {
    metadata?: { resourceVersion?: string };
    items: RawPolicy[];
  };

/** The policy's spec, parsed once per generation; an invalid one keeps its error for an Event. */
export function readSpec(p: RawPolicy): { spec?: ScalingPolicySpec; invalid?: InvalidPolicyError } {
  try {
    return { spec: parsePolicySpec(p.spec, `${p.metadata.namespace}/${p.metadata.name}.spec`) };
  } catch (e) {
    // Never thrown out of the watch's callback: that would stop the informer for every policy.
    return { invalid: e instanceof InvalidPolicyError ? e : new InvalidPolicyError([String(e)]) };
  }
}

/**
 * Writes `next` when {@link statusWrite} says so, replacing the whole status (JSON patch `add`: a merge
 * patch would keep values that went missing). Returns the status as written and why, or undefined
 * when nothing was written.
 */
export async function writeStatus(
  kube: Kube,
  policy: { namespace: string; name: string },
  known: ScalingPolicyStatus | undefined,
  next: ScalingPolicyStatus,
  now: number,
): Promise<{ status: ScalingPolicyStatus; reason: Exclude<StatusWrite, 'unchanged'> } | undefined> {
  const reason = statusWrite(known, next, now);
  if (reason === 'unchanged') return undefined;
  const value = JSON.parse(JSON.stringify(next)) as ScalingPolicyStatus;
  const written = (await kube.custom.patchNamespacedCustomObjectStatus(
    {
      group: crdGroup,
      version: crdVersion,
      namespace: policy.namespace,
      plural: crdPlural,
      name: policy.name,
      body: [{ op: 'add', path: '/status', value }],
      fieldManager,
    },
    setHeaderOptions('Content-Type', PatchStrategy.JsonPatch),
  )) as RawPolicy | undefined;
  return { status: written?.status ?? value, reason };
}
