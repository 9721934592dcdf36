import { memo } from '../../../authorizer/memo';

describe('memo', () => {
  it('computes a value once per key', () => {
    const computed: string[] = [];
    const upper = memo(10, (key: string) => {
      computed.push(key);
      return key.toUpperCase();
    });
    expect([upper('a'), upper('b'), upper('a'), upper('b')]).toEqual(['A', 'B', 'A', 'B']);
    expect(computed).toEqual(['a', 'b']);
  });

  it('holds at most `limit` keys: one more starts it over', () => {
    const computed: number[] = [];
    const square = memo(3, (key: number) => {
      computed.push(key);
      return key * key;
    });
    for (const key of [1, 2, 3, 1, 2, 3]) square(key);
    expect(computed).toEqual([1, 2, 3]);
    square(4); // the fourth key: the first three are forgotten
    for (const key of [4, 1]) square(key);
    expect(computed).toEqual([1, 2, 3, 4, 1]);
  });
});
