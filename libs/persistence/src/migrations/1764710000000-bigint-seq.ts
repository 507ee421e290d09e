import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Every column that holds a `seq` (or a step, which is one), with its table. */
const SEQ_COLUMNS: Array<[table: string, column: string]> = [
  ['events', 'seq'],
  ['sessions', 'last_seq'],
  ['verdicts', 'at_seq'],
  ['verdicts', 'from_seq'],
  ['verdicts', 'to_seq'],
  ['guidance', 'at_seq'],
  ['guidance', 'delivered_seq'],
  ['session_misbehaviours', 'first_at_seq'],
  ['labels', 'step'],
];

/**
 * `seq` widens from `int` to `bigint`: the contract now takes any integer a JavaScript number
 * holds exactly (up to 2^53 - 1), so OTLP steps can be ordered by microsecond timestamps.
 * On the partitioned `events` the change recurses to every partition (and the default one), and
 * partitions created later copy the parent's columns. Each table is rewritten once.
 */
export class BigintSeq1764710000000 implements MigrationInterface {
  name = 'BigintSeq1764710000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [table, columns] of byTable()) {
      await q.query(
        `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE bigint`).join(', ')}`,
      );
    }
  }

  /** Fails, leaving everything as it is, when a stored seq is beyond `int`. */
  async down(q: QueryRunner): Promise<void> {
    for (const [table, columns] of byTable()) {
      await q.query(
        `ALTER TABLE ${table} ${columns.map((c) => `ALTER COLUMN ${c} TYPE int`).join(', ')}`,
      );
    }
  }
}

function byTable(): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  for (const [table, column] of SEQ_COLUMNS)
    tables.set(table, [...(tables.get(table) ?? []), column]);
  return tables;
}
