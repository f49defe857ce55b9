import { useState } from 'preact/hooks';
import type { Mission, MissionsApi } from './api.js';

interface Props {
  api: MissionsApi;
  onCreated(mission: Mission): void;
}

/** A new mission: name, optional description and JSON data, optionally started at once. */
export function CreateMission({ api, onCreated }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const fields = new FormData(form);
    const text = (name: string) => String(fields.get(name) ?? '').trim();
    const body: Record<string, unknown> = { name: text('name') };
    if (text('description')) body.description = text('description');
    if (text('data')) {
      try {
        body.data = JSON.parse(text('data'));
      } catch {
        return setError('Data must be JSON, e.g. {"env": "production"}.');
      }
    }
    setBusy(true);
    setError(null);
    try {
      const mission = await api.create(body);
      if (fields.get('execute')) await api.execute(mission.id);
      form.reset();
      form.closest('details')?.removeAttribute('open');
      onCreated(mission);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="create">
      <summary>New mission</summary>
      <form onSubmit={(e) => void submit(e)} aria-label="New mission">
        <label>Name <input name="name" required maxLength={200} autoComplete="off" /></label>
        <label>Description <input name="description" maxLength={4000} autoComplete="off" /></label>
        <label>Data (JSON object) <textarea name="data" rows={3} placeholder='{"env": "staging"}' spellcheck={false} /></label>
        <label class="inline"><input type="checkbox" name="execute" /> Execute right away</label>
        {error && <p class="error" role="alert">{error}</p>}
        <button type="submit" disabled={busy}>Create</button>
      </form>
    </details>
  );
}
