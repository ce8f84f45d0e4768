/**
 * Rents a Vast bundle straight at the simulated vendor API with any label, as a person or another
 * tool sharing the account would: the orphans, other deployments' instances and foreign boxes that
 * cleanup and reconciliation tests need. Resolves to the new contract id.
 */
export async function rentVastDirectly(vastUrl: string, apiKey: string, label: string, options: { exceptOfferIds?: Iterable<string> } = {}): Promise<string> {
  const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
  const listed = await fetch(`${vastUrl}/bundles/?q=${encodeURIComponent(JSON.stringify({ rentable: { eq: true } }))}`, { headers });
  if (!listed.ok) throw new Error(`listing Vast bundles failed: ${listed.status} ${await listed.text()}`);
  const { offers } = (await listed.json()) as { offers: { id: number }[] };
  const taken = new Set(options.exceptOfferIds ?? []);
  // From the expensive end: the cheap offers stay for the tests' own sessions.
  const bundle = offers.findLast((o) => !taken.has(String(o.id)));
  if (!bundle) throw new Error('the simulator lists no Vast bundle left to rent');
  const created = await fetch(`${vastUrl}/asks/${bundle.id}/`, { method: 'PUT', headers, body: JSON.stringify({ client_id: 'me', image: 'pytorch/pytorch', label, runtype: 'ssh' }) });
  if (!created.ok) throw new Error(`renting a Vast bundle directly failed: ${created.status} ${await created.text()}`);
  return String(((await created.json()) as { new_contract: number }).new_contract);
}
