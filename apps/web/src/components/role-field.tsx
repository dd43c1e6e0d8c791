// The role picker of a grant: one of the contract's roles, the same list wherever a grant is given.
import { ROLES, type Role } from '@ferry/contract';
import { Field } from './field.tsx';

export function RoleField({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  return (
    <Field id={id} label="Role">
      <select value={value} onChange={(e) => onChange(e.target.value as Role)}>
        {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
      </select>
    </Field>
  );
}
