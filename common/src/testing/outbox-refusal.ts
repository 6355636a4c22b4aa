import type { Queryable } from '../db/pool';

export interface OutboxRefusal {
  /** How many outbox rows of the subject were refused so far (a rollback does not undo a sequence, so each try counts). */
  refusals(): Promise<number>;
  /** Lifts the refusal. */
  allow(): Promise<unknown>;
}

/**
 * Until allow(), PostgreSQL refuses every outbox row of `subject` (a trigger raises). Tests of "a change and its event
 * commit together" use it: if the event were written outside the change's transaction, a refusal would leave the
 * change stored and unannounced. One refusal per subject at a time in a database.
 */
export async function refuseOutboxRows(db: Queryable, subject: string): Promise<OutboxRefusal> {
  const name = `refuse_${subject.replace(/\W/g, '_')}`;
  await db.query(`
    CREATE SEQUENCE ${name}_count;
    CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM nextval('${name}_count'); RAISE EXCEPTION 'outbox refuses %', NEW.subject; END $$;
    CREATE TRIGGER ${name} BEFORE INSERT ON outbox FOR EACH ROW WHEN (NEW.subject = '${subject}') EXECUTE FUNCTION ${name}();`);
  return {
    refusals: async () => Number((await db.query(`SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS n FROM ${name}_count`)).rows[0].n),
    allow: () => db.query(`DROP TRIGGER ${name} ON outbox; DROP FUNCTION ${name}; DROP SEQUENCE ${name}_count`),
  };
}
