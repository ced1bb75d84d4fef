import i18next from 'i18next';

/**
 * The app's one way to the HTTP API (same origin, `/api/v1`). The session is the HttpOnly cookie the API sets;
 * every unsafe request carries the session's CSRF token in `x-csrf-token`. A failed request throws `ApiError`
 * with the API's error code and its problems (`at`, `message`), so that a form can show each message beside
 * its field.
 */
export interface Problem {
  at: string;
  /** In the language the app sends as Accept-Language. */
  message: string;
  /** Machine-readable: hetu.check, email.invalid, field.required ... */
  code?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;

/** Keeps the CSRF token of the current session (from sign-in, the second factor or `/auth/me`). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Listeners told when the API says the session is gone (401), so that the app shows the sign-in page. */
const signedOutListeners = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/**
 * Sends one request to the API: the app's language as Accept-Language (the API answers its messages in it), JSON
 * bodies, the CSRF token on unsafe methods; a refusal becomes an `ApiError` with the API's code, message and
 * problems. `callApi` (JSON answers) and `apiFile` (documents) are built on it, and through them the staff's `api`
 * and the public page's `publicApi`.
 */
async function send(
  url: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  body: unknown,
  csrf: string | null,
  accept: string,
): Promise<Response> {
  const headers: Record<string, string> = { accept, 'accept-language': i18next.language || 'fi' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached.');
  }
  if (!res.ok) {
    const json = safeJson(await res.text()) as {
      error?: { code?: string; message?: string; problems?: Problem[] };
    } | null;
    const err = json?.error;
    throw new ApiError(
      res.status,
      err?.code ?? 'HTTP_ERROR',
      err?.message ?? res.statusText,
      err?.problems ?? [],
    );
  }
  return res;
}

/** One call with a JSON answer (null for an empty one). */
export async function callApi<T>(
  url: string,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  body: unknown,
  csrf: string | null,
): Promise<{ json: T; status: number }> {
  const res = await send(url, method, body, csrf, 'application/json');
  const text = await res.text();
  return { json: (text === '' ? null : safeJson(text)) as T, status: res.status };
}

export async function api<T>(
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  try {
    return (await callApi<T>(`/api/v1${path}`, method, body, csrfToken)).json;
  } catch (e) {
    if (
      e instanceof ApiError &&
      e.status === 401 &&
      !path.startsWith('/auth/sign-in') &&
      !path.startsWith('/auth/second-factor')
    ) {
      for (const l of signedOutListeners) l();
    }
    throw e;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// ---- The shapes of the API answers the app reads (docs/openapi.json) ----

export type Lang = 'fi' | 'en' | 'sv';
export type Text = { fi: string; en: string; sv?: string };

export interface User {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  mustChangePassword: boolean;
  secondFactor: boolean;
}

export interface Commitment {
  version: number;
  label: string;
  text: Text;
  signed: boolean;
  signedAt: string | null;
}

export interface Me {
  user: User | null;
  actorId: string;
  permissions: string[];
  secondFactorRequired: boolean;
  commitment: Commitment;
  csrfToken: string | null;
}

export interface SessionOut {
  stage: 'second-factor' | 'complete';
  csrfToken: string;
  user: User;
  mustChangePassword: boolean;
  mustEnrolSecondFactor: boolean;
}

export interface PersonSummary {
  id: string;
  firstName: string | null;
  lastName: string | null;
  customerNumber: string | null;
  email: string | null;
  phone: string | null;
}

export interface Provenance {
  source: string;
  savedAt: string;
  savedBy: string;
}

export interface Person {
  id: string;
  fields: Record<string, unknown>;
  provenance: Record<string, Provenance>;
  contactRoles: {
    id: string;
    organisationId: string;
    title: string | null;
    startsOn: string;
    endsOn: string | null;
    active: boolean;
  }[];
  createdAt: string;
  updatedAt: string;
}

export interface CatalogueField {
  key: string;
  id: string;
  holder: string;
  label: Text;
  type: string;
  multiple: boolean;
  required: boolean;
  maxLength: number | null;
  options: { value: string; label: Text }[] | null;
  core: boolean;
  category: { id: string; name: Text };
  sources: { id: string; kind: string; name: Text }[];
  readRoles: string[];
  revealRoles: string[] | null;
}

export interface TimelineItem {
  id: string;
  holder: string;
  kind: string;
  occurredAt: string;
  fields: Record<string, unknown>;
  source: string;
  recordedAt: string;
  recordedBy: string;
}

export interface ConsentState {
  channel: string;
  purpose: string;
  state: 'given' | 'withdrawn' | 'prohibited' | 'none';
  model: 'opt_in' | 'opt_out';
  since: string | null;
}

export interface RequestOut {
  id: string;
  type: string;
  state: string;
  receivedAt: string;
  deadline: string;
  open: boolean;
  overdue: boolean;
}

export interface RegisterOut {
  id: string;
  name: Text;
  controller: { name: string };
  marketing: {
    channels: { id: string; name: Text; electronic: boolean }[];
    purposes: { id: string; name: Text; model: 'opt_in' | 'opt_out'; profiling: boolean }[];
  };
}

/**
 * A request whose answer is a file (a CSV segment, labels): its bytes, its name from Content-Disposition and its
 * headers. Errors are thrown as by `api`.
 */
export async function apiFile(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ blob: Blob; filename: string; headers: Headers }> {
  const res = await send(`/api/v1${path}`, method, body, csrfToken, '*/*');
  return { blob: await res.blob(), filename: fileNameOf(res.headers) ?? 'download', headers: res.headers };
}

/**
 * Uploads a file as the raw body of a request (the API's file routes: its media type as Content-Type, its name in
 * x-file-name, percent-encoded), with the CSRF token; a JSON answer. Errors are thrown as by `api`.
 */
export async function apiUpload<T>(method: 'POST' | 'PUT', path: string, file: File): Promise<T> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': i18next.language || 'fi',
    'content-type': file.type || 'application/octet-stream',
    'x-file-name': encodeURIComponent(file.name),
  };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, { method, headers, credentials: 'same-origin', body: file });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server could not be reached.');
  }
  const text = await res.text();
  const json = safeJson(text) as { error?: { code?: string; message?: string; problems?: Problem[] } } | null;
  if (!res.ok) {
    const err = json?.error;
    throw new ApiError(
      res.status,
      err?.code ?? 'HTTP_ERROR',
      err?.message ?? res.statusText,
      err?.problems ?? [],
    );
  }
  return json as T;
}

/** Saves a blob as a file download in the browser. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file name a Content-Disposition header gives (RFC 6266: `filename*` first), or null. */
export function fileNameOf(headers: Headers): string | null {
  const disposition = headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return star?.[1] ? decodeURIComponent(star[1]) : (plain?.[1] ?? null);
}
