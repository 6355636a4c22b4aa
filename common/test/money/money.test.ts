import { centsToPrice, formatCents, parsePriceToCents } from '@ticketing/common';

test.each([
  [19.99, 1999],
  [0.01, 1],
  [0.1, 10],
  [10, 1000],
  [100000, 10000000],
  [1.1, 110],
])('parses %p as %p cents', (price, cents) => {
  expect(parsePriceToCents(price)).toBe(cents);
});

test.each([[0], [-1], [100000.01], [1.999], ['19.99'], [Number.NaN], [Infinity], [1e-7], [null], [undefined]])('rejects %p', (price) => {
  expect(parsePriceToCents(price)).toBeNull();
});

test('formats cents without float drift', () => {
  expect(centsToPrice(1999)).toBe(19.99);
  expect(formatCents(1990)).toBe('19.90');
  expect(centsToPrice(parsePriceToCents(0.3)!)).toBe(0.3);
});
