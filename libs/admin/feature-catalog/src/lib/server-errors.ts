/** The fields of `value` that differ from `initial`, dropping empty ones: what an edit sends. */
export function changedFields(
  value: Record<string, unknown>,
  initial: Record<string, unknown>,
): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === '' || v === null || v === undefined) continue;
    if (JSON.stringify(v) === JSON.stringify(initial[key])) continue;
    body[key] = v;
  }
  return body;
}
