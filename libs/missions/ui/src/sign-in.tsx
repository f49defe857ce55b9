import { useState } from 'preact/hooks';

interface Props {
  devTokenUrl: string | null;
  notice: string | null;
  onToken(token: string): void;
}

/** Paste a bearer token; outside production the service can also mint a development one. */
export function SignIn({ devTokenUrl, notice, onToken }: Props) {
  const [error, setError] = useState<string | null>(null);

  const paste = (event: Event) => {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget as HTMLFormElement).get('token') ?? '').trim();
    if (!/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token)) return setError('That is not a JWT (three dot-separated parts).');
    onToken(token);
  };

  const mint = async (event: Event) => {
    event.preventDefault();
    const fields = new FormData(event.currentTarget as HTMLFormElement);
    try {
      const response = await fetch(devTokenUrl!, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sub: fields.get('sub'), tenant_id: fields.get('tenant') }),
      });
      const body = (await response.json()) as { token?: string; message?: string | string[] };
      if (!response.ok || !body.token) throw new Error([body.message ?? response.statusText].flat().join('; '));
      onToken(body.token);
    } catch (e) {
      setError(`Could not mint a development token: ${(e as Error).message}`);
    }
  };

  return (
    <main class="sign-in">
      <h1>Missions</h1>
      {notice && <p class="notice" role="status">{notice}</p>}
      <form onSubmit={paste} aria-label="Sign in with a token">
        <label>Bearer token (JWT) <textarea name="token" rows={4} required spellcheck={false} autoFocus /></label>
        <button type="submit">Sign in</button>
        <p class="hint">Kept in this tab only (session storage); closing the tab signs you out.</p>
      </form>
      {devTokenUrl && (
        <form onSubmit={(e) => void mint(e)} aria-label="Development token" class="dev">
          <p>Development only: this service signs tokens with its built-in development secret.</p>
          <label>Principal <input name="sub" defaultValue="operator" required maxLength={128} /></label>
          <label>Tenant <input name="tenant" defaultValue="dev" required maxLength={128} /></label>
          <button type="submit" class="secondary">Mint a dev token</button>
        </form>
      )}
      {error && <p class="error" role="alert">{error}</p>}
    </main>
  );
}
