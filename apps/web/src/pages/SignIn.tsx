import { useState } from 'react';

/** The sign-in: an admin token or a consumer API key, kept in this tab's sessionStorage only. */
export function SignIn({ onSignIn, rejected }: { onSignIn: (credential: string) => void; rejected: boolean }) {
  const [value, setValue] = useState('');
  return (
    <section aria-labelledby="signin-title" className="signin">
      <h1 id="signin-title">Sign in</h1>
      <p>This server needs a credential: the admin token or a consumer's API key. It is kept in this browser tab only, until the tab closes or you sign out.</p>
      {rejected ? (
        <p className="error" role="alert">
          The server refused that credential.
        </p>
      ) : null}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (value.trim() !== '') onSignIn(value.trim());
        }}
      >
        <label>
          Admin token or API key
          <input type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button type="submit" className="primary" disabled={value.trim() === ''}>
          Sign in
        </button>
      </form>
    </section>
  );
}
