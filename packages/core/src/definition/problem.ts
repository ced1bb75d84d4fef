/** One problem found in a register definition, at a path inside it; `line`/`column` are 1-based. */
export interface Problem {
  path: (string | number)[];
  message: string;
  line?: number;
  column?: number;
}

/** `file:line:column: message`, the form editors and CI logs understand. */
export function formatProblem(file: string, p: Problem): string {
  return `${file}:${p.line ?? 1}:${p.column ?? 1}: ${p.message}`;
}
