/** Filter text built by the dashboard (the brush) and how it joins the typed filter. */

/** The filter the table and charts use: the typed filter AND the brush. */
export function combinedFilter(filter: string, brush: string): string {
  const parts = [filter.trim(), brush.trim()].filter((p) => p !== '');
  if (parts.length <= 1) return parts[0] ?? '';
  return parts.map((p) => `(${p})`).join(' AND ');
}

/** A filter literal for a param value (numbers bare, text quoted; "null" = missing). */
export function paramCondition(field: string, value: string): string {
  if (value === 'null') return `${field} IS NULL`;
  if (value.trim() !== '' && Number.isFinite(Number(value))) return `${field} = ${value}`;
  return `${field} = '${value.replaceAll("'", "''")}'`;
}
