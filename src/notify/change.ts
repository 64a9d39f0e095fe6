// Which change a subscription is told of when a record gets a new version: the first version it hears of is a
// creation for it (an update when it asked for updates only), later ones are updates if it asked for them.

/** The subscription's changeType ('created', 'updated' or both, comma-separated) and whether it saw the record. */
export function changeFor(changeType: string, firstSight: boolean): 'created' | 'updated' | undefined {
  const types = new Set(changeType.split(',').map((t) => t.trim()));
  if (firstSight) return types.has('created') ? 'created' : 'updated';
  return types.has('updated') ? 'updated' : undefined;
}
