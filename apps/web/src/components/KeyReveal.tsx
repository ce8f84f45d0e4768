import { useEffect, useState } from 'react';

import { Dialog } from './Dialog.js';

/**
 * The session's private SSH key, shown exactly once: the server never returns it again, and closing
 * this dialog drops it from the page (the parent must forget it too). Download saves it as a file.
 */
export function KeyReveal(props: { sessionId: string; privateKey: string | null; withheld?: string | undefined; onClose: () => void }) {
  const { sessionId, privateKey, withheld, onClose } = props;
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!privateKey || typeof URL.createObjectURL !== 'function') return;
    const url = URL.createObjectURL(new Blob([privateKey.endsWith('\n') ? privateKey : `${privateKey}\n`], { type: 'application/x-pem-file' }));
    setDownloadUrl(url);
    return () => URL.revokeObjectURL(url);
  }, [privateKey]);
  return (
    <Dialog title="Your SSH private key" onClose={onClose} locked>
      {privateKey ? (
        <>
          <p className="warning" role="note">
            This key is shown <strong>once</strong>. Download or copy it now: the server does not keep it, and it cannot be shown again.
          </p>
          <textarea className="key" readOnly value={privateKey} aria-label="SSH private key" rows={8} />
          <div className="actions">
            {downloadUrl ? (
              <a className="button primary" href={downloadUrl} download={`gpu-shopper-${sessionId}.pem`}>
                Download key
              </a>
            ) : null}
            <button type="button" onClick={onClose}>
              I have saved it — close
            </button>
          </div>
        </>
      ) : (
        <>
          <p>{withheld ?? 'No private key was returned for this session.'}</p>
          <div className="actions">
            <button type="button" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}
