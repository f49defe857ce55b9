import { useEffect, useRef, useState } from 'preact/hooks';
import { formatTime, type MissionRow, type MissionsApi, type MissionStatus } from './api.js';
import { matches, placeRow, type ListFilter } from './list-order.js';
import { useLiveView, type FeedBus } from './live-view.js';

interface Props {
  api: MissionsApi;
  bus: FeedBus;
  filter: ListFilter;
  selectedId: string | null;
  onLoaded(): void;
}

const PAGE = 50;
const rowOf = ({ id, name, status, created_at }: MissionRow): MissionRow => ({ id, name, status, created_at });

/** The tenant's missions as the API lists them, one page at a time as the user scrolls, kept live by the events. */
export function MissionList({ api, bus, filter, selectedId, onLoaded }: Props) {
  const [rows, setRows] = useState<MissionRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const sentinel = useRef<HTMLButtonElement>(null);
  const query = { status: filter.prefix ? undefined : (filter.status ?? undefined), name_prefix: filter.prefix || undefined, limit: PAGE };

  useLiveView(bus, async (isCurrent) => {
    setLoading(true);
    try {
      const page = await api.list(query);
      if (!isCurrent()) return;
      setRows(page.missions.map(rowOf));
      setCursor(page.next_cursor);
      setError(null);
      onLoaded();
    } catch (e) {
      if (isCurrent()) setError((e as Error).message);
    } finally {
      if (isCurrent()) setLoading(false);
    }
  }, (envelope) => {
    const p = envelope.payload;
    const id = p.mission_id;
    if (envelope.type === 'mission.created') {
      const row: MissionRow = { id, name: String(p.name), status: 'PENDING', created_at: Number(p.created_at) };
      if (matches(filter, row)) setRows((current) => placeRow(filter, current, row, cursor === null));
    } else if (envelope.type === 'mission.status_changed') {
      const status = p.new_status as MissionStatus;
      setRows((current) => {
        if (current.some((r) => r.id === id)) return current.map((r) => (r.id === id ? { ...r, status } : r));
        // Moved into the filtered status: it belongs in this list now.
        if (filter.status === status && !filter.prefix) {
          void api.get(id).then((m) => setRows((now) => placeRow(filter, now, rowOf(m), cursor === null)), () => undefined);
        }
        return current;
      });
    } else if (envelope.type === 'mission.deleted') {
      setRows((current) => current.filter((r) => r.id !== id));
    }
  }, [filter.status, filter.prefix]);

  const loadMore = async () => {
    if (loading || cursor === null) return;
    setLoading(true);
    try {
      const page = await api.list({ ...query, cursor });
      setRows((current) => [...current, ...page.missions.map(rowOf).filter((m) => !current.some((r) => r.id === m.id))]);
      setCursor(page.next_cursor);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoading(false);
    }
  };

  // The next page loads when the end of the list scrolls into view (the button does it by keyboard).
  useEffect(() => {
    const target = sentinel.current;
    if (!target) return;
    const observer = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && void loadMore(), { rootMargin: '200px' });
    observer.observe(target);
    return () => observer.disconnect();
  });

  return (
    <section class="list" aria-label="Missions" aria-busy={loading}>
      {error && <p class="error" role="alert">{error}</p>}
      {rows.length === 0 && !loading && !error && <p class="empty">No missions{filter.prefix ? ` named "${filter.prefix}…"` : ''}.</p>}
      <ul>
        {rows.map((row) => {
          const stale = !matches(filter, row);
          return (
            <li key={row.id} data-mission-id={row.id} data-status={row.status} class={stale ? 'stale' : undefined}>
              <a href={`#/missions/${encodeURIComponent(row.id)}`} aria-current={row.id === selectedId ? 'page' : undefined}>
                <span class="name">{row.name}</span>
                <span class={`badge s-${row.status}`}>{row.status}</span>
                <time class="when">{formatTime(row.created_at)}</time>
              </a>
            </li>
          );
        })}
      </ul>
      {cursor !== null && (
        <button type="button" ref={sentinel} class="more" onClick={() => void loadMore()} disabled={loading}>
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </section>
  );
}
