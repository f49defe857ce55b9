/** The value of one series in a Prometheus text scrape, e.g. `foo_total{a="b"}`; undefined when absent. */
export function seriesValue(scrape: string, series: string): number | undefined {
  const line = scrape.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
