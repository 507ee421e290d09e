import { Ajv } from 'ajv';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { CRD_SCHEMAS } from './crd-schemas.js';

interface Validating {
  validate(): void;
}
type ModelClass = new (data: never) => Validating;

/** The kubernetes-models class of every built-in (and KEDA) kind the manifests use. */
const MODELS: Record<string, ModelClass> = Object.fromEntries(
  [
    Namespace,
    ConfigMap,
    Secret,
    Service,
    Deployment,
    Job,
    PodDisruptionBudget,
    HorizontalPodAutoscaler,
    ScaledObject,
  ].map((model) => [`${model.apiVersion}/${model.kind}`, model as unknown as ModelClass]),
);

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const crdValidators = Object.fromEntries(
  Object.entries(CRD_SCHEMAS).map(([key, schema]) => [key, ajv.compile(schema)]),
);

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
}

/**
 * Throws unless the object is valid against its kind's schema: the Kubernetes OpenAPI schema
 * (kubernetes-models) for built-in kinds and KEDA's, the CRD schema for Strimzi's and CNPG's.
 */
export function validateObject(object: KubeObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const where = `${object.kind} ${object.metadata?.name}`;
  const Model = MODELS[key];
  if (Model) {
    try {
      new Model(object as never).validate();
    } catch (error) {
      throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
    }
    return;
  }
  const crd = crdValidators[key];
  if (!crd) throw new Error(`${where}: no schema for ${key}`);
  if (!crd(object)) throw new Error(`${where}: ${ajv.errorsText(crd.errors)}`);
}
