/** The GPU providers GPU Shopper rents from. */
export type Provider = 'vastai' | 'tensordock' | 'bluelobster';
