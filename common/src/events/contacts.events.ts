/** Server-to-client events of the contacts domain (merged into ServerToClientEvents). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContactEvents {}
