// The menu of one message (right click, the toolbar's "More", or Enter / Shift+F10 on a selected message): the quick
// reactions row and the actions, each with its keyboard shortcut shown. Rendered outside the list (its rows are
// transformed, which would move a fixed element) but inside the landmark it was opened from (the chat pane or the
// sidebar), so assistive technology finds it where it belongs; placed at the pointer and kept on screen; arrow keys
// move between items, Escape closes and focus returns to the message.
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { QUICK_REACTIONS } from '../../../shared/conversations/messageRules';
import { Icon } from '../../ui/Icon';

export interface MenuAction {
  id: string;
  label: string;
  /** Shown beside the label: the key that does the same on a selected message. */
  shortcut?: string;
  danger?: boolean;
  run(): void;
}

interface MessageMenuProps {
  at: { x: number; y: number };
  actions: MenuAction[];
  /** The emoji this user reacted with, if any (shown pressed). */
  myReaction: string | undefined;
  onReact?: (emoji: string) => void;
  /** Offered after the quick reactions: the full picker, opened where the menu was. */
  onMoreReactions?: (where: DOMRect) => void;
  onClose(): void;
  /** The menu's accessible name (the chat list uses it for a chat's menu). */
  label?: string;
}

const MARGIN = 8;

/** Landmarks that hold the lists this menu opens from; none of them is transformed. */
const HOST_LANDMARKS = 'main, aside';

export function MessageMenu({ at, actions, myReaction, onReact, onMoreReactions, onClose, label = 'Message actions' }: MessageMenuProps) {
  const menu = useRef<HTMLDivElement>(null);
  const anchor = useRef<HTMLSpanElement>(null);
  const [host, setHost] = useState<Element | null>(null);
  const [place, setPlace] = useState(at);

  useLayoutEffect(() => {
    setHost(anchor.current?.closest(HOST_LANDMARKS) ?? document.body);
  }, []);

  useLayoutEffect(() => {
    const element = menu.current;
    if (!element) return;
    const { width, height } = element.getBoundingClientRect();
    setPlace({
      x: Math.max(MARGIN, Math.min(at.x, window.innerWidth - width - MARGIN)),
      y: Math.max(MARGIN, Math.min(at.y, window.innerHeight - height - MARGIN)),
    });
    element.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
  }, [at, host]);

  useEffect(() => {
    const away = (event: PointerEvent) => {
      if (!menu.current?.contains(event.target as Node)) onClose();
    };
    const blur = () => onClose();
    document.addEventListener('pointerdown', away, true);
    window.addEventListener('blur', blur);
    window.addEventListener('resize', blur);
    return () => {
      document.removeEventListener('pointerdown', away, true);
      window.removeEventListener('blur', blur);
      window.removeEventListener('resize', blur);
    };
  }, [onClose]);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const index = items.indexOf(document.activeElement as HTMLElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown') move(index + 1);
    else if (event.key === 'ArrowUp') move(index - 1);
    else if (event.key === 'ArrowRight' && items[index]?.dataset.reaction) move(index + 1);
    else if (event.key === 'ArrowLeft' && items[index]?.dataset.reaction) move(index - 1);
    else if (event.key === 'Home') move(0);
    else if (event.key === 'End') move(items.length - 1);
  }

  const choose = (run: () => void) => {
    onClose();
    run();
  };

  if (!host) return <span ref={anchor} hidden />;
  return createPortal(
    <div ref={menu} className="message-menu" role="menu" aria-label={label} style={{ left: place.x, top: place.y }} onKeyDown={onKeyDown}>
      {onReact && (
        <div className="reaction-row" role="group" aria-label="React">
          {QUICK_REACTIONS.map((emoji) => (
            <button
              key={emoji}
              type="button"
              role="menuitem"
              className={`reaction-choice${myReaction === emoji ? ' reaction-choice-mine' : ''}`}
              aria-label={myReaction === emoji ? `Remove reaction ${emoji}` : `React with ${emoji}`}
              data-reaction={emoji}
              tabIndex={-1}
              onClick={() => choose(() => onReact(emoji))}
            >
              {emoji}
            </button>
          ))}
          {onMoreReactions && (
            <button
              type="button"
              role="menuitem"
              className="reaction-choice reaction-more"
              aria-label="More reactions…"
              title="More reactions…"
              data-reaction="more"
              tabIndex={-1}
              onClick={() => {
                const where = menu.current?.getBoundingClientRect();
                if (where) choose(() => onMoreReactions(where));
              }}
            >
              <Icon name="plus" size={18} />
            </button>
          )}
        </div>
      )}
      {actions.map((action) => (
        <button
          key={action.id}
          type="button"
          role="menuitem"
          className={`menu-item${action.danger ? ' menu-item-danger' : ''}`}
          tabIndex={-1}
          aria-keyshortcuts={action.shortcut}
          onClick={() => choose(action.run)}
        >
          <span>{action.label}</span>
          {action.shortcut && <kbd className="menu-shortcut">{action.shortcut}</kbd>}
        </button>
      ))}
    </div>,
    host,
  );
}
