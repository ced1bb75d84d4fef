import { useEffect, useState } from 'react';
import { api } from '../../api';
import { useErrorText } from '../../components';
import type { DefinitionOut } from './shared';

/** The register definition in brief (GET /admin/definition), or the error text. */
export function useDefinition(): { def: DefinitionOut | null; error: string | null } {
  const errorText = useErrorText();
  const [def, setDef] = useState<DefinitionOut | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<DefinitionOut>('GET', '/admin/definition')
      .then(setDef)
      .catch((e) => setError(errorText(e)));
  }, [errorText]);
  return { def, error };
}
