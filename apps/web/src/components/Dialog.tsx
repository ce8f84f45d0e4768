import { type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * A modal dialog: focus moves into it and Tab stays in it, Escape closes it (unless `locked`), and
 * focus returns to what opened it. Rendered in place; the backdrop covers the page.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode; locked?: boolean }) {
  const { title, onClose, children, locked = false } = props;
  const titleId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement as HTMLElement | null;
    const first = ref.current?.querySelector<HTMLElement>('input, select, button, textarea, [href]');
    first?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <div className="backdrop">
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        ref={ref}
        onKeyDown={(event) => {
          if (event.key === 'Escape' && !locked) onClose();
          // Keep Tab inside the dialog: the page behind it is inert while it is open.
          if (event.key === 'Tab' && ref.current) {
            // In document order (some DOM implementations list a selector group's matches group by group).
            const focusable = [...ref.current.querySelectorAll<HTMLElement>('input, select, button:not(:disabled), textarea, [href]')].sort((a, b) =>
              a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
            );
            const first = focusable[0];
            const last = focusable.at(-1);
            if (event.shiftKey && document.activeElement === first) {
              event.preventDefault();
              last?.focus();
            } else if (!event.shiftKey && document.activeElement === last) {
              event.preventDefault();
              first?.focus();
            }
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>
  );
}

/** Asks before a destructive or billable action; the action runs only on "confirm". */
export function Confirm(props: { title: string; message: ReactNode; confirmLabel: string; onConfirm: () => void; onCancel: () => void; danger?: boolean }) {
  return (
    <Dialog title={props.title} onClose={props.onCancel}>
      <p>{props.message}</p>
      <div className="actions">
        <button type="button" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className={props.danger ? 'danger' : 'primary'} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
      </div>
    </Dialog>
  );
}
