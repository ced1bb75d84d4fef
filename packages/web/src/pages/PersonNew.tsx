import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Person } from '../api';
import { PersonForm } from '../components/PersonForm';
import { useSession } from '../context';
import { Link, navigate } from '../router';

export { fieldOfProblem } from '../components/PersonForm';

/** A new person, the form made from the data catalogue; each problem the API finds is shown beside its field. */
export function PersonNewPage() {
  const { t } = useTranslation();
  const session = useSession();
  const fields = session.catalogue.filter((f) => f.holder === 'person');

  useEffect(() => {
    document.title = `${t('newPerson.title')} · Lupaus`;
  }, [t]);

  return (
    <div className="page narrow">
      <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
        <Link href="/persons">← {t('persons.title')}</Link>
      </nav>
      <div className="page-header">
        <div>
          <h1>{t('newPerson.title')}</h1>
          <p className="page-lead">{t('newPerson.lead')}</p>
        </div>
      </div>
      <PersonForm
        fields={fields}
        foldOptional
        submitLabel={t('newPerson.save')}
        cancel={
          <Link href="/persons" className="btn btn-ghost">
            {t('common.cancel')}
          </Link>
        }
        onSubmit={async (source, body) => {
          const p = await api<Person>('POST', '/persons', { source, fields: body });
          navigate(`/persons/${p.id}`);
        }}
      />
    </div>
  );
}
