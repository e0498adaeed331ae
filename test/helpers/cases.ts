/**
 * Table tests of a function, the shape most of our unit tests take: each row is the arguments and, last, the
 * expected result (compared with `toEqual`; a promise is awaited first). jose's loops over input tables are the
 * model; this keeps the `it.each` wrapper in one place, so a table is only its rows.
 */
import { expect, it } from "vitest";

/**
 * One test per row: `fn(...args)` equals `expected`. `title` is `it.each`'s, formatted with the row
 * (`"%s → %j"`).
 */
export function cases<A extends unknown[], O>(title: string, fn: (...args: A) => O | Promise<O>, rows: readonly (readonly [...A, O])[]): void {
  it.each(rows.map((r) => [...r]))(title, async (...row: unknown[]) => {
    expect(await fn(...(row.slice(0, -1) as A))).toEqual(row[row.length - 1]);
  });
}
