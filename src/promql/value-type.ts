// The types a PromQL expression can evaluate to, as Prometheus's type checker names them.

/** The value types of PromQL. `none` is only used internally for "no type" (an empty argument list slot). */
export const ValueType = {
  None: 'none',
  Scalar: 'scalar',
  Vector: 'vector',
  Matrix: 'matrix',
  String: 'string',
} as const;

export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** How Prometheus's error messages name a value type: "scalar", "instant vector", "range vector", "string". */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}
