/** Milliseconds since the epoch. Injected where tests need to move time without sleeping. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
