import { render } from 'preact';
import { useState } from 'preact/hooks';
import { Dashboard } from './dashboard.js';
import { SignIn } from './sign-in.js';
import './styles.css';

interface ClientConfig {
  api_base: string;
  dev_token_url: string | null;
}

// Written into the page by the server (MissionsDashboardModule); the defaults serve `vite dev`.
function readConfig(): ClientConfig {
  const meta = document.querySelector<HTMLMetaElement>('meta[name="missions-config"]');
  return meta ? (JSON.parse(meta.content) as ClientConfig) : { api_base: '/api/missions', dev_token_url: null };
}

// This tab only: a token in sessionStorage is gone when the tab closes, and other tabs never see it.
const TOKEN_KEY = 'missions.token';

function App() {
  const [config] = useState(readConfig);
  const [token, setToken] = useState(() => sessionStorage.getItem(TOKEN_KEY));
  const [notice, setNotice] = useState<string | null>(null);

  if (!token) {
    return <SignIn devTokenUrl={config.dev_token_url} notice={notice} onToken={(t) => {
      sessionStorage.setItem(TOKEN_KEY, t);
      setNotice(null);
      setToken(t);
    }} />;
  }
  return <Dashboard apiBase={config.api_base} token={token} onSignOut={(message) => {
    sessionStorage.removeItem(TOKEN_KEY);
    setNotice(message);
    setToken(null);
  }} />;
}

render(<App />, document.getElementById('app')!);
