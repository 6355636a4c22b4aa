import { withTransaction, type Queryable } from '@ticketing/common';
import type { TestDatabase } from '@ticketing/common/testing';
import { browseEvents, type BrowseQuery } from '../src/data/event-browsing.data';
import { createCatalogTestDatabase } from './support';

// The plans PostgreSQL picks for browsing and search on a catalogue of a few thousand events (docs/services/
// catalog.md, "Search"): each filter reads its index instead of the whole table. EXPLAIN ANALYZE runs the very SQL
// browseEvents sends, with its parameters, in the transaction it needs.

const EVENTS = 5000;
let db: TestDatabase;

beforeAll(async () => {
  db = await createCatalogTestDatabase();
  // Names from a small vocabulary, cities from a list, starts spread over two years (a tenth in the past, a tenth cancelled).
  await db.pool.query(
    `INSERT INTO events (id, name, category, venue_name, venue_city, venue_country, time_zone, starts_at, status)
     SELECT gen_random_uuid(),
            (ARRAY['Radiohead','Coldplay','Adele','Arctic Monkeys','The Lion King','Hamilton','Benfica v Porto','Fado night',
                   'Jazz at the docks','Stand-up special','Les Misérables','Berlin Philharmonic'])[1 + i % 12] || ' ' || (i / 12),
            (ARRAY['concert','sports','theatre','comedy','festival','other'])[1 + i % 6],
            (ARRAY['Wembley Arena','Madison Square Garden','O2 Academy','Olympiastadion','Royal Albert Hall','Lyceum Theatre'])[1 + i % 6] || ' ' || (i % 50),
            (ARRAY['London','New York','Berlin','Lisboa','Paris','München','Tokyo','Madrid','Dublin','Manchester'])[1 + i % 10],
            'GB', 'Europe/London', now() + (i % 730 - 73) * interval '1 day' + i * interval '1 second',
            CASE WHEN i % 10 = 0 THEN 'cancelled' ELSE 'scheduled' END
     FROM generate_series(1, $1) i`,
    [EVENTS],
  );
  await db.pool.query('ANALYZE events');
});
afterAll(async () => {
  await db.drop();
});

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

/** The plan of browseEvents' page query (not run for rows), and every index it reads. */
async function planOf(q: BrowseQuery): Promise<{ indexes: string[]; seqScans: string[]; text: string }> {
  let plan: PlanNode | undefined;
  await withTransaction(db.pool, async (tx) => {
    const explaining: Queryable = {
      query: (async (sql: string, params?: unknown[]) => {
        if (!sql.startsWith('SELECT e.*')) return tx.query(sql, params);
        const { rows } = await tx.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
        plan = rows[0]['QUERY PLAN'][0].Plan;
        return { rows: [], rowCount: 0 };
      }) as Queryable['query'],
    };
    await browseEvents(explaining, q);
  });
  const nodes: PlanNode[] = [];
  const walk = (n: PlanNode) => (nodes.push(n), n.Plans?.forEach(walk));
  walk(plan!);
  return {
    indexes: nodes.flatMap((n) => (n['Index Name'] ? [n['Index Name']] : [])),
    seqScans: nodes.filter((n) => n['Node Type'] === 'Seq Scan').map((n) => JSON.stringify(n)),
    text: JSON.stringify(plan),
  };
}

test('browsing reads the upcoming index in page order and stops after a page', async () => {
  const plan = await planOf({ limit: 21 });
  expect(plan.indexes).toContain('events_upcoming_idx');
  expect(plan.seqScans).toEqual([]);
});

test('a search reads the trigram index for each word (typo and all)', async () => {
  for (const words of [['radiohaed'], ['arena', 'wembley'], ['lion', 'king', 'london']]) {
    const plan = await planOf({ words, limit: 21 });
    expect(plan.indexes).toContain('events_search_trgm_idx');
    expect(plan.seqScans).toEqual([]);
  }
});

test('city and category filters read their own indexes', async () => {
  expect((await planOf({ city: 'lisboa', limit: 21 })).indexes).toContain('events_city_idx');
  const category = await planOf({ category: 'comedy', limit: 21 });
  expect(category.indexes.some((i) => i === 'events_category_idx' || i === 'events_upcoming_idx')).toBe(true);
  expect(category.seqScans).toEqual([]);
});

test("each event's summary reads the listings index", async () => {
  const plan = await planOf({ limit: 21 });
  expect(plan.indexes).toContain('listings_on_sale_idx');
});
