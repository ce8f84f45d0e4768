import type { WhoamiResponse } from '@gpu-shopper/client';
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';

import { ErrorState, Loading } from './components/States.js';
import { createClient, errorStatus, readCredential, writeCredential } from './lib/api.js';
import { Console } from './lib/context.js';
import { AdminPage } from './pages/AdminPage.js';
import { CostsPage } from './pages/CostsPage.js';
import { InventoryPage } from './pages/InventoryPage.js';
import { RecommendationsPage } from './pages/RecommendationsPage.js';
import { SessionDetailPage } from './pages/SessionDetailPage.js';
import { SessionsPage } from './pages/SessionsPage.js';
import { SignIn } from './pages/SignIn.js';

function useHash(): [string, (hash: string) => void] {
  const [hash, setHash] = useState(() => window.location.hash || '#/inventory');
  useEffect(() => {
    const onChange = () => setHash(window.location.hash || '#/inventory');
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return [hash, (next) => (window.location.hash = next)];
}

const NAV = [
  ['#/inventory', 'Inventory'],
  ['#/sessions', 'Sessions'],
  ['#/costs', 'Costs'],
  ['#/recommendations', 'Recommendations'],
  ['#/admin', 'Admin'],
] as const;

export function App() {
  const [queryClient] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: true } } }));
  return (
    <QueryClientProvider client={queryClient}>
      <Shell />
    </QueryClientProvider>
  );
}

function Shell() {
  const [credential, setCredential] = useState(() => readCredential());
  const [hash, navigate] = useHash();
  const client = useMemo(() => createClient(credential), [credential]);
  const health = useQuery({ queryKey: ['health'], queryFn: () => client.health(), staleTime: 60_000 });
  // Who the console acts as: with no credential, protected mode answers as the local admin; a server
  // with an admin token answers 401, which shows the sign-in.
  const whoami = useQuery({ queryKey: ['whoami', credential], queryFn: () => client.whoami(), retry: false });
  const signOut = () => {
    writeCredential(null);
    setCredential(null);
  };
  const signIn = (value: string) => {
    writeCredential(value);
    setCredential(value);
  };
  const simulated = health.data?.mode === 'simulate';

  let body: React.ReactNode;
  if (whoami.isPending) body = <Loading what="your identity" />;
  else if (whoami.isError) {
    const status = errorStatus(whoami.error);
    body = status === 401 || status === 403 ? <SignIn onSignIn={signIn} rejected={credential !== null} /> : <ErrorState error={whoami.error} retry={() => void whoami.refetch()} />;
  } else body = <Routes hash={hash} />;

  return (
    <Console.Provider value={whoami.data ? { client, whoami: whoami.data, simulated, signOut, navigate } : null}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      {simulated ? (
        <div className="banner" role="note">
          Simulate mode: offers, instances and costs are simulated; nothing is rented or billed.
        </div>
      ) : null}
      <header className="top">
        <span className="brand">GPU Shopper</span>
        <nav aria-label="Main">
          <ul>
            {NAV.filter(([, label]) => label !== 'Admin' || whoami.data?.role === 'admin').map(([href, label]) => (
              <li key={href}>
                <a href={href} aria-current={hash.startsWith(href) ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <Identity whoami={whoami.data} credential={credential} onSignOut={signOut} />
      </header>
      <main id="main" tabIndex={-1}>
        {body}
      </main>
    </Console.Provider>
  );
}

function Identity({ whoami, credential, onSignOut }: { whoami: WhoamiResponse | undefined; credential: string | null; onSignOut: () => void }) {
  if (!whoami) return null;
  return (
    <div className="identity small">
      {whoami.role === 'admin' ? (credential ? 'admin' : 'admin (local, protected mode)') : `consumer ${whoami.consumer_id}`}
      {credential ? (
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      ) : null}
    </div>
  );
}

function Routes({ hash }: { hash: string }) {
  const session = /^#\/sessions\/([^/?#]+)/.exec(hash);
  if (session?.[1]) return <SessionDetailPage id={decodeURIComponent(session[1])} />;
  if (hash.startsWith('#/sessions')) return <SessionsPage />;
  if (hash.startsWith('#/costs')) return <CostsPage />;
  if (hash.startsWith('#/recommendations')) return <RecommendationsPage />;
  if (hash.startsWith('#/admin')) return <AdminPage />;
  return <InventoryPage />;
}
