// A size typed with its unit ("20 GiB", "512 MiB", "1.5 TiB"; a bare number is GiB), read by
// parseSize. The hint says how it was read, so "1.5T" is seen to mean 1.5 TiB before sending.
import { formatBytes, parseSize } from '../lib/format-units.ts';
import { Field } from './field.tsx';

interface SizeFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (text: string) => void;
  error?: string | undefined;
  /** Said before how the size was read. */
  hint?: string;
}

export function SizeField({ id, label, value, onChange, error, hint }: SizeFieldProps) {
  const parsed = parseSize(value);
  const reading = parsed.bytes === undefined ? 'A bare number is GiB; MiB and TiB work too.'
    : `= ${formatBytes(parsed.bytes)} (${parsed.bytes.toLocaleString('en-US')} bytes)`;
  return (
    <Field id={id} label={label} error={error} hint={hint ? `${hint} ${reading}` : reading}>
      <input value={value} autoComplete="off" spellCheck={false} inputMode="decimal" placeholder="20 GiB" onChange={(e) => onChange(e.target.value)} />
    </Field>
  );
}
