/** The layout of an Administration section: its parts stacked with a gap. */
export const SECTION = { display: 'grid', gap: 10, alignContent: 'start' } as const;
