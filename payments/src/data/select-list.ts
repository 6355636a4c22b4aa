/**
 * The SELECT (or RETURNING) list that makes PostgreSQL return rows already shaped as T: each field is read from its
 * snake_case column under its own name (`order_id AS "orderId"`), so no file keeps a row type and a mapper in step
 * with its domain type. `fields` names every key of T (the compiler insists), which is what keeps the list complete.
 */
export function selectList<T>(fields: { [K in keyof T]-?: true }): string {
  return Object.keys(fields)
    .map((field) => {
      const column = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      return column === field ? field : `${column} AS "${field}"`;
    })
    .join(', ');
}
