import type { Network } from '@ferry/contract';

/** A network's mode in words, as the list and the network page show it. */
export const MODE_LABEL: Record<Network['mode'], string> = {
  nat: 'NAT', route: 'routed', open: 'open', bridge: 'bridged to a host bridge', isolated: 'isolated (no way out)', other: 'other',
};
