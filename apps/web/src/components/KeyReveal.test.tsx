import { fireEvent, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';

import { KeyReveal } from './KeyReveal.js';

const KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----';

/** The page's use: the key lives in state until the dialog closes, then it is dropped. */
function Page() {
  const [key, setKey] = useState<string | null>(KEY);
  return key ? <KeyReveal sessionId="sess-1" privateKey={key} onClose={() => setKey(null)} /> : <p>closed</p>;
}

describe('the private key dialog', () => {
  it('shows the key once, with a download named after the session, and says it will not be shown again', () => {
    render(<Page />);
    expect(screen.getByLabelText<HTMLTextAreaElement>('SSH private key').value).toBe(KEY);
    expect(screen.getByRole('note').textContent).toMatch(/shown once/);
    const download = screen.getByRole('link', { name: 'Download key' });
    expect(download.getAttribute('download')).toBe('gpu-shopper-sess-1.pem');
    expect(download.getAttribute('href')).toMatch(/^blob:/);
  });

  it('Escape does not dismiss it by accident; closing removes the key from the page for good', async () => {
    render(<Page />);
    const user = userEvent.setup();
    await user.keyboard('{Escape}');
    expect(screen.getByLabelText('SSH private key')).toBeTruthy();
    await user.click(screen.getByRole('button', { name: /I have saved it/ }));
    expect(screen.getByText('closed')).toBeTruthy();
    expect(document.body.innerHTML).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
  });

  it('a withheld key (a replayed request) explains why instead of showing anything', () => {
    render(<KeyReveal sessionId="s" privateKey={null} withheld="The key was returned by the first request only." onClose={() => undefined} />);
    expect(screen.getByText(/first request only/)).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Download key' })).toBeNull();
  });
});

describe('dialog keyboard use', () => {
  it('Tab on the last control wraps to the first, Shift+Tab on the first to the last: focus stays in the dialog', () => {
    render(
      <>
        <button type="button">behind</button>
        <Page />
      </>,
    );
    const textarea = screen.getByRole('textbox', { name: 'SSH private key' });
    const close = screen.getByRole('button', { name: /I have saved it/ });
    expect(document.activeElement).toBe(textarea);
    close.focus();
    fireEvent.keyDown(close, { key: 'Tab' });
    expect(document.activeElement).toBe(textarea);
    fireEvent.keyDown(textarea, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(close);
  });
});
