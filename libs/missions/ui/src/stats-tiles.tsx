import { useState } from 'preact/hooks';
import { MISSION_STATUSES, type MissionsApi, type MissionStatus, type Stats } from './api.js';
import { useLiveView, type FeedBus } from './live-view.js';

interface Props {
  api: MissionsApi;
  bus: FeedBus;
  filter: MissionStatus | null;
  onFilter(status: MissionStatus | null): void;
  onLoaded(): void;
}

const shift = (stats: Stats, from: MissionStatus | null, to: MissionStatus | null, total: number): Stats => {
  const byStatus = { ...stats.by_status };
  if (from) byStatus[from] = Math.max(0, byStatus[from] - 1);
  if (to) byStatus[to] += 1;
  return { ...stats, total: Math.max(0, stats.total + total), by_status: byStatus };
};

/** One tile per status, counted by the API once and then moved by the events; a tile filters the list. */
export function StatsTiles({ api, bus, filter, onFilter, onLoaded }: Props) {
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<string | null>(null);

  useLiveView(bus, async (isCurrent) => {
    try {
      const { stats: loaded } = await api.stats();
      if (!isCurrent()) return;
      setStats(loaded);
      setError(null);
      onLoaded();
    } catch (e) {
      if (isCurrent()) setError((e as Error).message);
    }
  }, (envelope, queued) => setStats((current) => {
    // An event that came in while the counts loaded is in them when it is not newer than they are.
    if (!current || (queued && envelope.timestamp <= current.last_updated)) return current;
    const p = envelope.payload;
    const at = { ...current, last_updated: envelope.timestamp };
    if (envelope.type === 'mission.created') return shift(at, null, 'PENDING', 1);
    if (envelope.type === 'mission.status_changed') return shift(at, p.old_status as MissionStatus, p.new_status as MissionStatus, 0);
    if (envelope.type === 'mission.deleted') return shift(at, p.status as MissionStatus, null, -1);
    return current;
  }), []);

  return (
    <section class="tiles" aria-label="Missions by status">
      {error && <p class="error" role="alert">Counts: {error}</p>}
      <button type="button" class="tile" aria-pressed={filter === null} onClick={() => onFilter(null)} data-tile="total">
        <span class="tile-count">{stats?.total ?? '–'}</span>
        <span class="tile-label">All</span>
      </button>
      {MISSION_STATUSES.map((status) => (
        <button type="button" key={status} class={`tile s-${status}`} aria-pressed={filter === status}
          onClick={() => onFilter(filter === status ? null : status)} data-tile={status}>
          <span class="tile-count">{stats?.by_status[status] ?? '–'}</span>
          <span class="tile-label">{status.toLowerCase()}</span>
        </button>
      ))}
    </section>
  );
}
