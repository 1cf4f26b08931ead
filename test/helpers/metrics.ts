/** One scrape of a gateway's /metrics, as `name{labels}` → value (0 for a series not there yet). */
export async function scrapeMetrics(baseUrl: string, token?: string): Promise<(key: string) => number> {
  const res = await fetch(`${baseUrl}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  if (res.status !== 200) throw new Error(`/metrics answered ${res.status}`);
  const values = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) values.set(m[1]!, Number(m[2]));
  }
  return (key) => values.get(key) ?? 0;
}
