export function ProgressBar({ percent, label }: { percent: number | null; label: string }) {
  if (percent === null) return <span className="progress progress-indeterminate" role="progressbar" aria-label={label} />;
  const p = Math.max(0, Math.min(100, percent));
  return (
    <span className="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(p)}>
      <span className="progress-fill" style={{ width: `${p}%` }} />
    </span>
  );
}
