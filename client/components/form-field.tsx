import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes } from 'react';

interface FieldProps {
  name: string;
  label: string;
  error?: string;
  hint?: ReactNode;
}

/** What every control gets: its id, and the ids of its hint and error, so both are announced with it. */
function fieldIds(name: string, hint: ReactNode, error: string | undefined) {
  const id = `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return { id, describedBy };
}

function FieldShell({ name, label, error, hint, children }: FieldProps & { children: ReactNode }) {
  const id = `field-${name}`;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      )}
    </div>
  );
}

/** A labelled input whose error (from the API's errors[].field) sits next to it and is announced with it. */
export function FormField({ name, label, error, hint, ...input }: FieldProps & Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'>) {
  const { id, describedBy } = fieldIds(name, hint, error);
  return (
    <FieldShell name={name} label={label} error={error} hint={hint}>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...input} />
    </FieldShell>
  );
}

/** The same for a choice among fixed options ({value, label}). */
export function SelectField({
  name,
  label,
  error,
  hint,
  options,
  placeholder,
  ...select
}: FieldProps & { options: readonly { value: string; label: string }[]; placeholder?: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'id' | 'name'>) {
  const { id, describedBy } = fieldIds(name, hint, error);
  return (
    <FieldShell name={name} label={label} error={error} hint={hint}>
      <select id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={describedBy} {...select}>
        {placeholder !== undefined && <option value="">{placeholder}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Problems with the form as a whole; role=alert so screen readers hear them when they appear. */
export function FormAlert({ messages }: { messages: string[] }) {
  if (messages.length === 0) return null;
  return (
    <div className="alert alert-error" role="alert">
      {messages.map((m) => (
        <p key={m}>{m}</p>
      ))}
    </div>
  );
}
