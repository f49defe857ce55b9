import { useEffect, useRef, useState } from 'preact/hooks';
import { transitionAllowed } from '../../src/domain/mission-state.js';
import { formatTime, type LogEntry, type Mission, type MissionsApi, type MissionStatus } from './api.js';
import { useLiveView, type FeedBus } from './live-view.js';

interface Props {
  api: MissionsApi;
  bus: FeedBus;
  id: string;
}

const LOG_PAGE = 100;
const STATUS_MOVES: MissionStatus[] = ['RUNNING', 'COMPLETED', 'FAILED'];

/** One mission: its fields, its data, its log (paged, growing live) and the moves the transition table allows now. */
export function MissionDetail({ api, bus, id }: Props) {
  const [mission, setMission] = useState<Mission | null>(null);
  const [gone, setGone] = useState<string | null>(null);
  const [log, setLog] = useState<LogEntry[]>([]);
  const [logNext, setLogNext] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  // One log read at a time; an entry announced meanwhile triggers one more read after it.
  const reading = useRef<{ active: boolean; again: boolean; from: number }>({ active: false, again: false, from: 0 });

  const readLog = async (from: number, replace: boolean) => {
    const state = reading.current;
    if (state.active) {
      state.again = true;
      return;
    }
    state.active = true;
    try {
      let offset = from;
      do {
        state.again = false;
        const page = await api.log(id, offset, LOG_PAGE);
        setLog((current) => (replace && offset === from ? page.log : [...current.slice(0, offset), ...page.log]));
        offset += page.log.length;
        state.from = offset;
        setLogNext(page.next_offset);
      } while (state.again);
    } catch (e) {
      setActionError((e as Error).message);
    } finally {
      state.active = false;
    }
  };

  const refresh = async (isCurrent: () => boolean = () => true) => {
    try {
      const loaded = await api.get(id);
      if (isCurrent()) setMission(loaded);
    } catch (e) {
      if (isCurrent()) setGone((e as Error).message);
    }
  };

  useLiveView(bus, async (isCurrent) => {
    setMission(null);
    setGone(null);
    setActionError(null);
    reading.current = { active: false, again: false, from: 0 };
    await Promise.all([refresh(isCurrent), readLog(0, true)]);
  }, (envelope) => {
    if (envelope.payload.mission_id !== id) return;
    if (envelope.type === 'mission.log_appended') {
      // Only grows the log when its last page is shown; otherwise "Load more" reaches it.
      if (logNext === null) void readLog(reading.current.from, false);
    } else if (envelope.type === 'mission.deleted') {
      setGone('This mission was deleted.');
    } else {
      void refresh();
    }
  }, [id]);

  // Opening a mission moves keyboard focus to it (once per mission, not on every live update).
  const heading = useRef<HTMLHeadingElement>(null);
  const focused = useRef(false);
  const loaded = mission !== null;
  useEffect(() => {
    if (!loaded || focused.current) return;
    focused.current = true;
    heading.current?.focus();
  }, [loaded]);

  const act = async (label: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      const result = await action();
      if (result && typeof result === 'object' && 'status' in result && 'id' in result) setMission(result as Mission);
    } catch (e) {
      // Lost a race (someone moved it first) or refused: say what the API said, show what is true now.
      setActionError(`${label}: ${(e as Error).message}`);
      void refresh();
    } finally {
      setBusy(false);
    }
  };

  if (gone) return <section class="detail" aria-label="Mission"><p class="error" role="alert">{gone}</p></section>;
  if (!mission) return <section class="detail" aria-label="Mission" aria-busy="true"><p>Loading…</p></section>;
  const can = (to: MissionStatus) => !busy && transitionAllowed(mission.status, to);

  return (
    <section class="detail" aria-label={`Mission ${mission.name}`} data-detail-id={mission.id}>
      <h2 ref={heading} tabIndex={-1}>{mission.name} <span class={`badge s-${mission.status}`} data-detail-status>{mission.status}</span></h2>
      <div class="actions" role="group" aria-label="Actions">
        <button type="button" disabled={!can('RUNNING')} onClick={() => void act('Execute', () => api.execute(id))}>Execute</button>
        <button type="button" disabled={!can('CANCELLED')} onClick={() => void act('Cancel', () => api.cancel(id))}>Cancel</button>
        {STATUS_MOVES.map((to) => (
          <button type="button" key={to} class="secondary" disabled={!can(to)}
            onClick={() => void act(`Mark ${to}`, () => api.changeStatus(id, to))}>Mark {to.toLowerCase()}</button>
        ))}
      </div>
      {actionError && <p class="error" role="alert" data-action-error>{actionError}</p>}
      <dl class="fields">
        <dt>Id</dt><dd><code>{mission.id}</code></dd>
        <dt>Description</dt><dd>{mission.description ?? '—'}</dd>
        <dt>Created</dt><dd>{formatTime(mission.created_at)} by {mission.created_by}</dd>
        <dt>Updated</dt><dd>{formatTime(mission.updated_at)} (version {mission.version})</dd>
        <dt>Tenant</dt><dd>{mission.tenant_id ?? '(none)'}</dd>
      </dl>
      <h3>Data</h3>
      <pre class="json" tabIndex={0}>{JSON.stringify(mission.data, null, 2)}</pre>
      <h3>Log</h3>
      <ol class="log" aria-live="polite">
        {log.map((entry, i) => (
          <li key={i} class={`lv-${entry.level}`}>
            <time>{formatTime(entry.timestamp)}</time> <span class="level">{entry.level}</span> {entry.message}
            {Object.keys(entry.data).length > 0 && <code class="entry-data">{JSON.stringify(entry.data)}</code>}
          </li>
        ))}
      </ol>
      {logNext !== null && (
        <button type="button" class="more" onClick={() => void readLog(reading.current.from, false)}>Load more entries</button>
      )}
    </section>
  );
}
