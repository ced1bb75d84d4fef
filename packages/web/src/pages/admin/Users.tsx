import type { TFunction } from 'i18next';
import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { Alert, Badge, Card, Empty, Field, useErrorText } from '../../components';
import { useText } from '../../context';
import { dateTime } from '../../format';
import { problemsByField, type RolesOut, type UserAccount } from './shared';

/** Users (R6.1): the accounts with roles and state; adding one, changing roles, disabling, unlocking, resets. */
export function UsersPage() {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [users, setUsers] = useState<UserAccount[] | null>(null);
  const [roles, setRoles] = useState<RolesOut['roles']>([]);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ user: string; password: string } | null>(null);

  useEffect(() => {
    document.title = `${t('admin.users.title')} · Lupaus`;
  }, [t]);

  const load = useCallback(async () => {
    try {
      const [u, r] = await Promise.all([
        api<{ items: UserAccount[] }>('GET', '/admin/users'),
        api<RolesOut>('GET', '/admin/roles'),
      ]);
      setUsers(u.items);
      setRoles(r.roles);
    } catch (e) {
      setError(errorText(e));
      setUsers([]);
    }
  }, [errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const user = users?.find((u) => u.id === selected) ?? null;
  const active = users?.filter((u) => !u.disabled).length ?? 0;

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('admin.users.title')}</h1>
          <p className="page-lead">{t('admin.users.lead')}</p>
        </div>
        {!creating ? (
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => {
              setCreating(true);
              setSelected(null);
              setSecret(null);
            }}
          >
            <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
              <path d="M12 5v14M5 12h14" stroke="currentColor" strokeWidth="2.2" strokeLinecap="round" />
            </svg>
            {t('admin.users.new')}
          </button>
        ) : null}
      </div>

      {error ? <Alert>{error}</Alert> : null}

      {secret ? (
        <OneTimePassword username={secret.user} password={secret.password} onDone={() => setSecret(null)} />
      ) : null}

      {creating ? (
        <CreateUser
          roles={roles}
          onCancel={() => setCreating(false)}
          onCreated={async (username, password) => {
            setCreating(false);
            setSecret({ user: username, password });
            await load();
          }}
        />
      ) : null}

      {user ? (
        <ManageUser
          key={user.id}
          user={user}
          roles={roles}
          onClose={() => setSelected(null)}
          onChanged={load}
          onSecret={(password) => setSecret({ user: user.username, password })}
        />
      ) : null}

      <Card
        className="table-card"
        title={t('admin.users.accounts')}
        actions={
          users ? (
            <span className="muted small">{t('admin.users.count', { count: users.length, active })}</span>
          ) : null
        }
      >
        {users === null ? (
          <p className="muted" role="status">
            {t('common.loading')}
          </p>
        ) : users.length === 0 ? (
          <Empty>{t('admin.users.none')}</Empty>
        ) : (
          <table className="table admin-table">
            <caption className="visually-hidden">{t('admin.users.accounts')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.users.name')}</th>
                <th scope="col">{t('admin.users.roles')}</th>
                <th scope="col">{t('admin.users.state')}</th>
                <th scope="col">{t('admin.users.secondFactor')}</th>
                <th scope="col">{t('admin.users.commitment')}</th>
                <th scope="col">{t('admin.users.lastSignIn')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.users.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {users.map((u) => (
                <tr key={u.id} className={u.id === selected ? 'selected' : undefined}>
                  <td>
                    <span className="name-cell">
                      <span className="avatar small" aria-hidden="true">
                        {u.displayName.slice(0, 1).toUpperCase()}
                      </span>
                      <span>
                        <span className="admin-strong">{u.displayName}</span>
                        <br />
                        <span className="mono muted small">{u.username}</span>
                      </span>
                    </span>
                  </td>
                  <td>
                    <RoleBadges ids={u.roles} roles={roles} />
                  </td>
                  <td>
                    <UserState user={u} />
                  </td>
                  <td>
                    {u.secondFactor ? (
                      <Badge tone="good">{t('admin.users.on')}</Badge>
                    ) : (
                      <Badge tone="warn">{t('admin.users.off')}</Badge>
                    )}
                  </td>
                  <td>
                    {u.signedCurrentCommitment ? (
                      <Badge tone="good">
                        {t('admin.users.signed', { version: u.signedCommitmentVersion })}
                      </Badge>
                    ) : (
                      <Badge tone="warn">{t('admin.users.notSigned')}</Badge>
                    )}
                  </td>
                  <td className="small">
                    {u.lastSignInAt ? (
                      dateTime(u.lastSignInAt)
                    ) : (
                      <span className="muted">{t('admin.users.never')}</span>
                    )}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="btn btn-secondary btn-small"
                      aria-label={t('admin.users.manageWho', { name: u.displayName })}
                      onClick={() => {
                        setSelected(u.id);
                        setCreating(false);
                        setSecret(null);
                      }}
                    >
                      {t('admin.users.manage')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}

function RoleBadges({ ids, roles }: { ids: string[]; roles: RolesOut['roles'] }) {
  const { t } = useTranslation();
  const text = useText();
  if (ids.length === 0) return <span className="muted small">{t('admin.users.noRoles')}</span>;
  return (
    <span className="badge-list">
      {ids.map((id) => {
        const r = roles.find((x) => x.id === id);
        return (
          <Badge key={id} tone="info">
            {r?.name ? text(r.name) : roleName(t, id)}
          </Badge>
        );
      })}
    </span>
  );
}

/** A role's name: the definition's, else the default role's translated name, else its id. */
export function roleName(t: TFunction, id: string): string {
  return t(`admin.roleNames.${id}`, { defaultValue: id });
}

function UserState({ user }: { user: UserAccount }) {
  const { t } = useTranslation();
  return (
    <span className="badge-list">
      {user.disabled ? (
        <Badge tone="neutral">{t('admin.users.disabled')}</Badge>
      ) : user.lockedUntil ? (
        <Badge tone="bad">{t('admin.users.lockedUntil', { time: dateTime(user.lockedUntil) })}</Badge>
      ) : (
        <Badge tone="good">{t('admin.users.active')}</Badge>
      )}
      {user.mustChangePassword && !user.disabled ? (
        <Badge tone="warn">{t('admin.users.mustChange')}</Badge>
      ) : null}
    </span>
  );
}

function OneTimePassword({
  username,
  password,
  onDone,
}: {
  username: string;
  password: string;
  onDone: () => void;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);
  return (
    <section className="card otp-card" aria-labelledby="otp-title" tabIndex={-1} ref={ref}>
      <div className="card-body">
        <h2 id="otp-title">{t('admin.users.otpTitle', { username })}</h2>
        <p className="muted">{t('admin.users.otpLead')}</p>
        <div className="otp-row">
          <code className="secret otp" data-testid="one-time-password">
            {password}
          </code>
          <button type="button" className="btn btn-primary" onClick={onDone}>
            {t('admin.users.otpDone')}
          </button>
        </div>
      </div>
    </section>
  );
}

function RoleChecks({
  roles,
  value,
  onChange,
  legend,
  error,
}: {
  roles: RolesOut['roles'];
  value: string[];
  onChange: (v: string[]) => void;
  legend: string;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const text = useText();
  const id = useId();
  return (
    <fieldset className={`field role-checks${error ? ' has-error' : ''}`}>
      <legend>{legend}</legend>
      <div className="role-grid">
        {roles.map((r) => (
          <label key={r.id} className="role-check" htmlFor={`${id}-${r.id}`}>
            <input
              id={`${id}-${r.id}`}
              type="checkbox"
              checked={value.includes(r.id)}
              onChange={(e) =>
                onChange(e.target.checked ? [...value, r.id] : value.filter((x) => x !== r.id))
              }
            />
            <span>
              <span className="admin-strong">{r.name ? text(r.name) : roleName(t, r.id)}</span>
              <span className="muted small block">
                {t('admin.users.permissionCount', { n: r.permissions.length })}
              </span>
            </span>
          </label>
        ))}
      </div>
      {error ? <p className="field-error">{error}</p> : null}
    </fieldset>
  );
}

function CreateUser({
  roles,
  onCancel,
  onCreated,
}: {
  roles: RolesOut['roles'];
  onCancel: () => void;
  onCreated: (username: string, password: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const id = useId();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const r = await api<{ user: UserAccount; oneTimePassword?: string }>('POST', '/users', {
        username: username.trim(),
        displayName: displayName.trim(),
        roles: chosen,
      });
      await onCreated(r.user.username, r.oneTimePassword ?? '');
    } catch (err) {
      setError(errorText(err));
      setFields(problemsByField(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title={t('admin.users.newTitle')}>
      <form onSubmit={submit} noValidate>
        <p className="muted admin-form-lead">{t('admin.users.newLead')}</p>
        {error ? <Alert>{error}</Alert> : null}
        <div className="form-grid">
          <Field
            id={`${id}-u`}
            label={t('admin.users.username')}
            required
            error={fields.username}
            hint={t('admin.users.usernameHint')}
          >
            <input
              id={`${id}-u`}
              value={username}
              onChange={(e) => setUsername(e.target.value)}
              autoComplete="off"
              required
              aria-invalid={fields.username ? true : undefined}
            />
          </Field>
          <Field id={`${id}-d`} label={t('admin.users.displayName')} required error={fields.displayName}>
            <input
              id={`${id}-d`}
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
              autoComplete="off"
              required
              aria-invalid={fields.displayName ? true : undefined}
            />
          </Field>
        </div>
        <RoleChecks
          roles={roles}
          value={chosen}
          onChange={setChosen}
          legend={t('admin.users.roles')}
          error={fields.roles}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? t('common.wait') : t('admin.users.create')}
          </button>
          <button type="button" className="btn btn-ghost" onClick={onCancel}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Card>
  );
}

function ManageUser({
  user,
  roles,
  onClose,
  onChanged,
  onSecret,
}: {
  user: UserAccount;
  roles: RolesOut['roles'];
  onClose: () => void;
  onChanged: () => Promise<void>;
  onSecret: (password: string) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [chosen, setChosen] = useState<string[]>(user.roles);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string } | null>(null);
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
  }, []);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage(null);
    try {
      await fn();
      setMessage({ kind: 'success', text: done });
      await onChanged();
    } catch (e) {
      setMessage({ kind: 'error', text: errorText(e) });
    } finally {
      setBusy(false);
    }
  };
  const reset = (secondFactor: boolean) =>
    act(
      async () => {
        const r = await api<{ oneTimePassword: string }>('POST', `/users/${user.id}/reset`, { secondFactor });
        onSecret(r.oneTimePassword);
      },
      secondFactor ? t('admin.users.resetBothDone') : t('admin.users.resetDone'),
    );
  const changed = chosen.slice().sort().join() !== user.roles.slice().sort().join();

  return (
    <section className="card manage-card" aria-labelledby="manage-title">
      <header className="card-header">
        <h2 id="manage-title" tabIndex={-1} ref={ref}>
          {t('admin.users.manageTitle', { name: user.displayName })}
        </h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
          {t('admin.close')}
        </button>
      </header>
      <div className="card-body">
        {message ? <Alert kind={message.kind}>{message.text}</Alert> : null}
        <div className="manage-grid">
          <div>
            <RoleChecks roles={roles} value={chosen} onChange={setChosen} legend={t('admin.users.roles')} />
            <button
              type="button"
              className="btn btn-primary"
              disabled={busy || !changed}
              onClick={() =>
                void act(
                  () => api('PATCH', `/users/${user.id}`, { roles: chosen }),
                  t('admin.users.rolesSaved'),
                )
              }
            >
              {t('admin.users.saveRoles')}
            </button>
          </div>
          <div className="manage-actions">
            <h3>{t('admin.users.account')}</h3>
            <dl className="facts compact">
              <div className="fact">
                <dt>{t('admin.users.created')}</dt>
                <dd>{dateTime(user.createdAt)}</dd>
              </div>
              <div className="fact">
                <dt>{t('admin.users.failedSignIns')}</dt>
                <dd>{user.failedSignIns}</dd>
              </div>
            </dl>
            <div className="action-list">
              {user.lockedUntil ? (
                <button
                  type="button"
                  className="btn btn-secondary"
                  disabled={busy}
                  onClick={() =>
                    void act(() => api('POST', `/users/${user.id}/unlock`), t('admin.users.unlocked'))
                  }
                >
                  {t('admin.users.unlock')}
                </button>
              ) : null}
              <button
                type="button"
                className="btn btn-secondary"
                disabled={busy || user.disabled}
                onClick={() => void reset(false)}
              >
                {t('admin.users.resetPassword')}
              </button>
              <button
                type="button"
                className="btn btn-secondary"
                disabled={busy || user.disabled}
                onClick={() => void reset(true)}
              >
                {t('admin.users.resetBoth')}
              </button>
              <button
                type="button"
                className={`btn ${user.disabled ? 'btn-secondary' : 'btn-admin-danger'}`}
                disabled={busy}
                onClick={() =>
                  void act(
                    () => api('PATCH', `/users/${user.id}`, { disabled: !user.disabled }),
                    user.disabled ? t('admin.users.enabled') : t('admin.users.disabledDone'),
                  )
                }
              >
                {user.disabled ? t('admin.users.enable') : t('admin.users.disable')}
              </button>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}
