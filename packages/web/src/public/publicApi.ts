import { callApi } from '../api';

/**
 * The public page's way to the API (`/api/v1/public/…`): no staff session, no staff CSRF token. The subject
 * session is its own HttpOnly cookie; its CSRF token (from `GET /public/session` or the link's use) goes with
 * every unsafe request.
 */
let subjectCsrf: string | null = null;

export function setSubjectCsrf(token: string | null): void {
  subjectCsrf = token;
}

export async function publicApi<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
  return (await callApi<T>(`/api/v1/public${path}`, method, body, subjectCsrf)).json;
}

export type PublicKind = 'access' | 'rectification' | 'erasure' | 'portability' | 'objection';
/** What a link is for: a request of the page, or `status`, a link back to the latest request. */
export type LinkKind = PublicKind | 'status';
export const PUBLIC_KINDS: readonly PublicKind[] = [
  'access',
  'rectification',
  'erasure',
  'portability',
  'objection',
];

export interface NoticeOut {
  title: string;
  lang: string;
  version: number | null;
  publishedAt: string | null;
  controller: { name: string; email: string | null; phone: string | null };
  html: string;
  /** The language of the definition's own texts (English where the register has none in the page's language). */
  textLanguage: string;
}

export interface SubjectOut {
  kind: LinkKind;
  outcome: 'matched' | 'none' | 'several';
  csrfToken: string;
  expiresAt: string;
  request: {
    id: string;
    type: string;
    state: string;
    receivedAt: string;
    deadline: string;
    closedAt: string | null;
  } | null;
  downloads: { accessReport: boolean; portableData: boolean };
  consents: {
    channel: string;
    channelName: string;
    purpose: string;
    purposeName: string;
    model: 'opt_in' | 'opt_out';
    allowed: boolean;
    state: string;
  }[];
}
