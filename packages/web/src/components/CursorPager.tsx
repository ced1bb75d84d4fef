import { useTranslation } from 'react-i18next';

/**
 * Previous / next over an API's keyset pages (`next` cursors): `cursors` holds the cursor of every page seen so
 * far (`undefined` for the first), the last one being the page shown. Hidden while there is only one page.
 *
 * @example
 * ```tsx
 * const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
 * <CursorPager label={t('persons.pages')} pageText={(n) => t('persons.page', { n })}
 *   cursors={cursors} next={next} onChange={setCursors} />
 * ```
 */
export function CursorPager({
  label,
  pageText,
  cursors,
  next,
  onChange,
}: {
  /** The navigation's accessible name. */
  label: string;
  /** "Page n". */
  pageText: (n: number) => string;
  cursors: (string | undefined)[];
  /** The cursor of the page after this one, or null on the last. */
  next: string | null;
  onChange: (cursors: (string | undefined)[]) => void;
}) {
  const { t } = useTranslation();
  if (cursors.length <= 1 && !next) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={cursors.length <= 1}
        onClick={() => onChange(cursors.slice(0, -1))}
      >
        {t('common.previous')}
      </button>
      <span className="muted small">{pageText(cursors.length)}</span>
      <button
        type="button"
        className="btn btn-secondary"
        disabled={!next}
        onClick={() => next && onChange([...cursors, next])}
      >
        {t('common.next')}
      </button>
    </nav>
  );
}
