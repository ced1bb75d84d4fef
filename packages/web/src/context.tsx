import { createContext, useContext, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type CatalogueField, type Me, type RegisterOut, type Text } from './api';

/** What every page of the signed-in app knows: who is signed in, the register and its data catalogue. */
export interface Session {
  me: Me;
  register: RegisterOut | null;
  catalogue: CatalogueField[];
  /** User ids → display names (for provenance: who saved a fact). */
  userNames: Record<string, string>;
  can(permission: string): boolean;
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in app');
  return s;
}

/** A text of the definition (`{ fi, en, sv? }`) in the language in use. */
export function useText(): (t: Text | undefined | null) => string {
  const { i18n } = useTranslation();
  const lang = i18n.language as 'fi' | 'en' | 'sv';
  return (t) => (t ? (t[lang] ?? t.fi ?? t.en) : '');
}

/** Loads the register, the catalogue and the user names once the user is in. */
export function useRegisterData(me: Me | null) {
  const [data, setData] = useState<{
    register: RegisterOut | null;
    catalogue: CatalogueField[];
    userNames: Record<string, string>;
  } | null>(null);
  useEffect(() => {
    if (!me) return;
    let live = true;
    const may = (p: string) => me.permissions.includes(p);
    void (async () => {
      const [register, catalogue, users] = await Promise.all([
        may('register.read') ? api<RegisterOut>('GET', '/register').catch(() => null) : null,
        may('register.read')
          ? api<{ fields: CatalogueField[] }>('GET', '/catalogue')
              .then((c) => c.fields)
              .catch(() => [])
          : [],
        may('persons.read')
          ? api<{ items: { id: string; displayName: string }[] }>('GET', '/users/names').catch(() => ({
              items: [],
            }))
          : { items: [] },
      ]);
      const userNames: Record<string, string> = {};
      for (const u of users.items) userNames[u.id] = u.displayName;
      if (live) setData({ register, catalogue, userNames });
    })();
    return () => {
      live = false;
    };
  }, [me]);
  return data;
}
