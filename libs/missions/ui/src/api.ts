import type { MissionStatus } from '../../src/domain/mission.types.js';

export type { MissionStatus };
export { MISSION_STATUSES } from '../../src/domain/mission.types.js';

/** A mission as the API sends it (contract: snake_case, times in epoch seconds). */
export interface Mission {
  id: string;
  name: string;
  description: string | null;
  data: Record<string, unknown>;
  status: MissionStatus;
  created_at: number;
  updated_at: number;
  tenant_id: string | null;
  created_by: string;
  version: number;
}

/** What a list row needs; a `mission.created` event carries exactly this much. */
export type MissionRow = Pick<Mission, 'id' | 'name' | 'status' | 'created_at'>;

export interface LogEntry {
  timestamp: number;
  level: 'debug' | 'info' | 'warning' | 'error';
  message: string;
  data: Record<string, unknown>;
}

export interface Stats {
  total: number;
  by_status: Record<MissionStatus, number>;
  last_updated: number;
}

export interface MissionPage {
  missions: Mission[];
  next_cursor: string | null;
}

export interface ListQuery {
  status?: MissionStatus;
  name_prefix?: string;
  cursor?: string;
  limit: number;
}

/** A refused request: `message` is the API's own (Nest's error body), or says the service was unreachable. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (Array.isArray(body.message)) return body.message.join('; ');
    if (typeof body.message === 'string') return body.message;
  } catch {
    // not JSON: fall through to the status text
  }
  return `${response.status} ${response.statusText}`;
}

/** The missions API for one signed-in tab. Any 401 calls `onUnauthorized` (back to sign-in). */
export class MissionsApi {
  constructor(
    readonly base: string,
    readonly token: string,
    private readonly onUnauthorized: () => void,
  ) {}

  list(query: ListQuery): Promise<MissionPage> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
    return this.request('GET', `?${params}`);
  }
  get = (id: string): Promise<Mission> => this.request('GET', `/${encodeURIComponent(id)}`);
  stats = (): Promise<{ stats: Stats }> => this.request('GET', '/stats/overview');
  create = (body: Record<string, unknown>): Promise<Mission> => this.request('POST', '', body);
  execute = (id: string): Promise<unknown> => this.request('POST', `/${encodeURIComponent(id)}/execute`);
  cancel = (id: string): Promise<Mission> => this.request('POST', `/${encodeURIComponent(id)}/cancel`);
  changeStatus = (id: string, status: MissionStatus): Promise<Mission> =>
    this.request('POST', `/${encodeURIComponent(id)}/status`, { status });
  log = (id: string, offset: number, limit: number): Promise<{ log: LogEntry[]; next_offset: number | null }> =>
    this.request('GET', `/${encodeURIComponent(id)}/log?offset=${offset}&limit=${limit}`);

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { Authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'The service did not answer; check the connection.');
    }
    if (response.status === 401) {
      this.onUnauthorized();
      throw new ApiError(401, 'The token was refused: sign in again.');
    }
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

/** Epoch seconds as a local date and time, to the second. */
export const formatTime = (seconds: number): string =>
  new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
