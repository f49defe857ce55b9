import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { MISSION_STATUSES, MissionsApi, type MissionStatus } from './api.js';
import { CreateMission } from './create-mission.js';
import { EventFeed, type FeedState } from './event-feed.js';
import type { ListFilter } from './list-order.js';
import { FeedBus } from './live-view.js';
import { MissionDetail } from './mission-detail.js';
import { MissionList } from './mission-list.js';
import { StatsTiles } from './stats-tiles.js';

interface Props {
  apiBase: string;
  token: string;
  onSignOut(notice: string | null): void;
}

const selectedFromHash = () => {
  const match = /^#\/missions\/(.+)$/.exec(location.hash);
  return match ? decodeURIComponent(match[1]) : null;
};

function ConnectionState({ state }: { state: FeedState }) {
  const [, tick] = useState(0);
  useEffect(() => {
    if (state.kind !== 'reconnecting') return;
    const timer = setInterval(() => tick((n) => n + 1), 500);
    return () => clearInterval(timer);
  }, [state]);
  const text = state.kind === 'live' ? 'Live'
    : state.kind === 'connecting' ? 'Connecting…'
    : `Reconnecting in ${Math.max(0, Math.ceil((state.retryAt - Date.now()) / 1000))} s: ${state.reason}`;
  return <p class={`conn conn-${state.kind}`} role="status" data-connection={state.kind}>{text}</p>;
}

/** The signed-in page: connection state, counts, the list and one mission, all fed by one event stream. */
export function Dashboard({ apiBase, token, onSignOut }: Props) {
  const signOutRef = useRef(onSignOut);
  signOutRef.current = onSignOut;
  const api = useMemo(() => new MissionsApi(apiBase, token, () => signOutRef.current('The token was refused (expired?): sign in again.')), [apiBase, token]);
  const bus = useMemo(() => new FeedBus(), [token]);
  const [state, setState] = useState<FeedState>({ kind: 'connecting' });
  const [filter, setFilter] = useState<ListFilter>({ status: null, prefix: '' });
  const [search, setSearch] = useState('');
  const [selected, setSelected] = useState(selectedFromHash);
  const loaded = useRef(new Set<string>());

  useEffect(() => {
    const feed = new EventFeed(`${apiBase}/events`, token, {
      event: (envelope) => bus.emit({ kind: 'event', envelope }),
      reset: () => bus.emit({ kind: 'reset' }),
      state: setState,
      unauthorized: () => signOutRef.current('The token was refused (expired?): sign in again.'),
    });
    feed.start();
    return () => feed.stop();
  }, [apiBase, token, bus]);

  useEffect(() => {
    const onHash = () => setSelected(selectedFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // The search box asks the API once typing pauses.
  useEffect(() => {
    const timer = setTimeout(() => setFilter((f) => (f.prefix === search.trim() ? f : { ...f, prefix: search.trim() })), 200);
    return () => clearTimeout(timer);
  }, [search]);

  // For the budget: the first moment counts and the first page are both on screen.
  const onLoaded = (part: string) => () => {
    loaded.current.add(part);
    if (loaded.current.size === 2 && performance.getEntriesByName('missions:first-render').length === 0) {
      performance.mark('missions:first-render');
    }
  };

  const setStatus = (status: MissionStatus | null) => setFilter((f) => ({ ...f, status }));

  return (
    <div class={`shell${selected ? ' with-detail' : ''}`}>
      <header>
        <h1><a href="#/">Missions</a></h1>
        <ConnectionState state={state} />
        <button type="button" class="secondary" onClick={() => onSignOut(null)}>Sign out</button>
      </header>
      <StatsTiles api={api} bus={bus} filter={filter.prefix ? null : filter.status} onFilter={setStatus} onLoaded={onLoaded('stats')} />
      <main>
        <div class="browse">
          <CreateMission api={api} onCreated={(m) => (location.hash = `#/missions/${encodeURIComponent(m.id)}`)} />
          <div class="filters" role="search">
            <label>Status
              <select value={filter.status ?? ''} disabled={filter.prefix !== ''}
                onChange={(e) => setStatus(((e.currentTarget as HTMLSelectElement).value || null) as MissionStatus | null)}>
                <option value="">All</option>
                {MISSION_STATUSES.map((s) => <option key={s} value={s}>{s.toLowerCase()}</option>)}
              </select>
            </label>
            <label>Name starts with
              <input type="search" value={search} maxLength={200} placeholder="Search by name"
                onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
            </label>
          </div>
          {filter.prefix && <p class="hint">Searching every status, ordered by name.</p>}
          <MissionList api={api} bus={bus} filter={filter} selectedId={selected} onLoaded={onLoaded('list')} />
        </div>
        {selected && (
          <div class="side">
            <a class="back" href="#/">← All missions</a>
            <MissionDetail key={selected} api={api} bus={bus} id={selected} />
          </div>
        )}
      </main>
    </div>
  );
}
