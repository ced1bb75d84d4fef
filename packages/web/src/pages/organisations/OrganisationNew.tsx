import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { PersonForm } from '../../components/PersonForm';
import { useSession } from '../../context';
import { Link, navigate } from '../../router';
import type { OrganisationOut } from './Organisations';

/**
 * A new organisation (R2.2): the form made from the organisation fields the definition declares (name, y-tunnus,
 * contact details ...); each problem the API finds, such as a y-tunnus with a wrong check digit, is shown beside
 * its field.
 */
export function OrganisationNewPage() {
  const { t } = useTranslation();
  const session = useSession();
  const fields = session.catalogue.filter((f) => f.holder === 'organisation');

  useEffect(() => {
    document.title = `${t('organisations.newTitle')} · Lupaus`;
  }, [t]);

  return (
    <div className="page narrow">
      <nav className="breadcrumb" aria-label={t('common.breadcrumb')}>
        <Link href="/organisations">← {t('organisations.title')}</Link>
      </nav>
      <div className="page-header">
        <div>
          <h1>{t('organisations.newTitle')}</h1>
          <p className="page-lead">{t('organisations.newLead')}</p>
        </div>
      </div>
      <PersonForm
        fields={fields}
        submitLabel={t('organisations.create')}
        cancel={
          <Link href="/organisations" className="btn btn-ghost">
            {t('common.cancel')}
          </Link>
        }
        onSubmit={async (source, body) => {
          const o = await api<OrganisationOut>('POST', '/organisations', { source, fields: body });
          navigate(`/organisations/${o.id}`);
        }}
      />
    </div>
  );
}
