import { type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type PersonSummary } from './api';
import { useErrorText } from './components';
import { initials } from './format';
import { navigate } from './router';

/** What the words typed look like: an email, a phone number, a hetu, a customer number, else a name. */
export function searchBody(raw: string): Record<string, string> {
  const q = raw.trim();
  if (q.includes('@')) return { email: q };
  if (/^\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]$/i.test(q)) return { hetu: q.toUpperCase() };
  if (/^\+?[\d\s-]{6,}$/.test(q)) return { phone: q };
  if (/\d/.test(q) && /^[A-Za-z0-9-]+$/.test(q)) return { customerNumber: q };
  return { q };
}

/** The quick search (Ctrl+K or /): persons by name, email, phone, customer number or hetu, opened with Enter. */
export function QuickSearch({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState('');
  const [items, setItems] = useState<PersonSummary[]>([]);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [searched, setSearched] = useState(false);
  const opener = useRef<Element | null>(document.activeElement);

  useEffect(() => {
    input.current?.focus();
    const back = opener.current;
    return () => {
      if (back instanceof HTMLElement) back.focus();
    };
  }, []);

  useEffect(() => {
    const text = q.trim();
    if (text.length < 2) {
      setItems([]);
      setSearched(false);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      api<{ items: PersonSummary[] }>('POST', '/persons/search', { ...searchBody(text), limit: 8 })
        .then((r) => {
          if (!live) return;
          setItems(r.items);
          setActive(0);
          setError(null);
          setSearched(true);
        })
        .catch((e) => live && setError(errorText(e)));
    }, 180);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [q, errorText]);

  const open = (p: PersonSummary) => {
    onClose();
    navigate(`/persons/${p.id}`);
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => Math.min(a + 1, items.length - 1));
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => Math.max(a - 1, 0));
    } else if (e.key === 'Enter') {
      const p = items[active];
      if (p) {
        e.preventDefault();
        open(p);
      }
    }
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog closes it; the keyboard closes it with Esc
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="search-dialog" role="dialog" aria-modal="true" aria-label={t('search.title')}>
        <div className="search-box">
          <svg width="18" height="18" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <circle cx="11" cy="11" r="7" fill="none" stroke="currentColor" strokeWidth="2" />
            <path d="M20 20l-3.5-3.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
          </svg>
          <input
            ref={input}
            role="combobox"
            aria-expanded={items.length > 0}
            aria-controls={`${id}-list`}
            aria-activedescendant={items[active] ? `${id}-${items[active].id}` : undefined}
            aria-autocomplete="list"
            aria-label={t('search.title')}
            placeholder={t('search.hint')}
            value={q}
            onChange={(e) => setQ(e.target.value)}
            onKeyDown={onKey}
            autoComplete="off"
            spellCheck={false}
          />
          <kbd>Esc</kbd>
        </div>
        {error ? <p className="search-note error">{error}</p> : null}
        <div className="search-results" id={`${id}-list`} role="listbox" aria-label={t('search.results')}>
          {items.map((p, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard chooses in the combobox (arrows and Enter, aria-activedescendant)
            <div
              key={p.id}
              tabIndex={-1}
              id={`${id}-${p.id}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseEnter={() => setActive(i)}
              onClick={() => open(p)}
            >
              <span className="avatar small" aria-hidden="true">
                {initials(p.firstName, p.lastName)}
              </span>
              <span className="result-main">
                <span className="result-name">
                  {p.firstName} {p.lastName}
                </span>
                <span className="result-meta">
                  {[p.customerNumber, p.email, p.phone].filter(Boolean).join(' · ')}
                </span>
              </span>
            </div>
          ))}
        </div>
        {searched && items.length === 0 && !error ? <p className="search-note">{t('search.none')}</p> : null}
        {!searched ? <p className="search-note muted">{t('search.tips')}</p> : null}
      </div>
    </div>
  );
}
