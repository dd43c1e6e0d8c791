// The few glyphs the resource tree needs, drawn inline (no icon font, no extra request).
const paths = {
  datacenter: 'M2 3h12v3H2zM2 7h12v3H2zM2 11h12v3H2z',
  host: 'M2 2h12v5H2zM2 9h12v5H2zM4 4h2v1H4zM4 11h2v1H4z',
  vm: 'M2 3h12v8H2zM6 13h4v1H6zM4 5h8v4H4z',
  template: 'M2 3h12v8H2zM5 13h6v1H5zM5 6h6v1H5zM5 8h4v1H5z',
  storage: 'M3 3c0-1 10-1 10 0v10c0 1-10 1-10 0zM3 6c0 1 10 1 10 0M3 9c0 1 10 1 10 0',
  network: 'M7 1h2v4H7zM2 11h4v4H2zM10 11h4v4h-4zM3 8h10v1H3zM3 8h1v3H3zM12 8h1v3h-1zM7.5 5h1v3h-1z',
} as const;

export type IconName = keyof typeof paths;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
      <path d={paths[name]} />
    </svg>
  );
}

/** Ferry's mark (the same drawing as favicon.svg). */
export function Logo({ size = 20 }: { size?: number }) {
  return (
    <svg className="logo" viewBox="0 0 32 32" width={size} height={size} aria-hidden="true">
      <rect width="32" height="32" rx="6" fill="#1d6fb8" />
      <path d="M5 20h22l-3 6H8z" fill="#fff" />
      <path d="M15 6v12h-7zM17 9v9h6z" fill="#fff" />
    </svg>
  );
}

export function UserIcon() {
  return (
    <svg className="icon" viewBox="0 0 16 16" width="14" height="14" aria-hidden="true">
      <circle cx="8" cy="5" r="3" /><path d="M2 15c0-4 3-6 6-6s6 2 6 6z" />
    </svg>
  );
}
