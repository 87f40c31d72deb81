// A modal dialog: labelled by its title, focus moved in on open and trapped inside, Esc or the close button
// closes it, focus returns to where it was. The rest of the window is inert meanwhile.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { focusableIn, trapTab } from './focus';
import { Icon } from './Icon';

export interface DialogProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Extra text read with the title. */
  description?: string;
  className?: string;
  /** Palette-style dialogs have no visible title bar. */
  hideTitle?: boolean;
}

export function Dialog({ title, onClose, children, description, className, hideTitle = false }: DialogProps) {
  const panel = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();
  const close = useRef(onClose);
  useEffect(() => {
    close.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const container = panel.current;
    if (container) {
      const preferred = container.querySelector<HTMLElement>('[data-autofocus]') ?? focusableIn(container).find((element) => !element.classList.contains('dialog-close'));
      (preferred ?? container).focus();
    }
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        close.current();
        return;
      }
      if (container) trapTab(event, container);
    };
    document.addEventListener('keydown', onKeyDown, true);
    const background = document.getElementById('app-root-content');
    background?.setAttribute('inert', '');
    return () => {
      document.removeEventListener('keydown', onKeyDown, true);
      background?.removeAttribute('inert');
      if (previous?.isConnected) previous.focus();
    };
  }, []);

  return (
    <div className="dialog-backdrop" onMouseDown={(event) => event.target === event.currentTarget && onClose()}>
      <div
        ref={panel}
        className={`dialog${className ? ` ${className}` : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description ? descriptionId : undefined}
        tabIndex={-1}
      >
        <header className={hideTitle ? 'visually-hidden' : 'dialog-header'}>
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          {!hideTitle && (
            <button type="button" className="icon-button dialog-close" onClick={onClose} aria-label="Close">
              <Icon name="close" />
            </button>
          )}
        </header>
        {description && (
          <p id={descriptionId} className="dialog-description muted">
            {description}
          </p>
        )}
        <div className="dialog-body">{children}</div>
      </div>
    </div>
  );
}
