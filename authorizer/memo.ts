/**
 * `compute` remembered per key, for at most `limit` keys: one more starts it over. A bound on
 * memory for keys that come from requests, not an LRU: the keys in use come straight back.
 */
export function memo<K, V>(limit: number, compute: (key: K) => V): (key: K) => V {
  const values = new Map<K, V>();
  return (key) => {
    let value = values.get(key);
    if (value === undefined) {
      value = compute(key);
      if (values.size >= limit) values.clear();
      values.set(key, value);
    }
    return value;
  };
}
