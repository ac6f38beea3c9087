/**
 * The most telling of a field's failed constraints: the type check when there is one
 * ("must be an integer" says more about `abc` than "must not be greater than 100").
 */
const TYPE_CONSTRAINTS = [
  'isDefined',
  'isInt',
  'isBoolean',
  'isString',
  'isArray',
  'isIn',
  'isUuid',
  'matches',
  'isEmail',
];

export function firstConstraint(
  constraints: Record<string, string> | undefined,
): string | undefined {
  if (!constraints) return undefined;
  const key = TYPE_CONSTRAINTS.find((name) => name in constraints) ?? Object.keys(constraints)[0];
  return key === undefined ? undefined : constraints[key];
}
