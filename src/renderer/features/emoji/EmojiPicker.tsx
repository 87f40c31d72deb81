// The emoji picker, for the composer and for reactions ("More reactions…" in a message's menu): a search field that
// keeps the focus, recently used emoji first, then Unicode's categories (tabs jump to them), and the grid moved
// through with the arrow keys while typing (the field points at the active emoji with aria-activedescendant).
// Enter or a click picks, Escape closes; the active emoji's name shows at the bottom. Rendered into the body and
// kept on screen beside its anchor.
import { memo, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';
import { screenWork } from '../../db/screenWork';
import { requireSession } from '../../store/session';
import { loadEmojiCatalog, searchEmoji, type EmojiCategory, type EmojiEntry } from './emojiCatalog';
import { moveInGrid, type GridSpot } from './gridMoves';
import { noteEmojiUsed, readRecentEmoji } from './recentEmoji';

/** Emoji per row of the grid. */
export const PICKER_COLUMNS = 8;
const MARGIN = 8;

export interface EmojiPickerProps {
  /** What it is for, e.g. "Insert emoji" or "React with an emoji". */
  label: string;
  /** The element it opens beside (above it when there is room, else below). */
  anchor: DOMRect;
  /** The button that opened it: a press on it is its own (it toggles the picker), not a press outside. */
  opener?: HTMLElement | null;
  /** Only these emoji are offered (reactions take one emoji each). */
  accept?: (emoji: string) => boolean;
  onPick(emoji: string): void;
  onClose(): void;
}

interface Section {
  id: string;
  label: string;
  emoji: EmojiEntry[];
}

export function EmojiPicker({ label, anchor, opener, accept, onPick, onClose }: EmojiPickerProps) {
  const { db } = requireSession();
  const [catalog, setCatalog] = useState<EmojiCategory[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [recent, setRecent] = useState<string[]>([]);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState<GridSpot>({ section: 0, index: 0 });
  const panel = useRef<HTMLDivElement>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const [place, setPlace] = useState<{ left: number; top: number } | null>(null);
  const baseId = useId();
  const listId = `${baseId}-list`;
  const optionId = (spot: GridSpot) => emojiOptionId(baseId, spot);

  useEffect(() => {
    let current = true;
    loadEmojiCatalog().then(
      (loaded) => current && setCatalog(loaded),
      () => current && setFailed(true),
    );
    screenWork('emoji.recent_failed', readRecentEmoji(db).then((loaded) => current && setRecent(loaded)));
    return () => {
      current = false;
    };
  }, [db]);

  const sections = useMemo<Section[]>(() => {
    if (!catalog) return [];
    const allowed = (entry: EmojiEntry) => !accept || accept(entry.emoji);
    if (query.trim()) return [{ id: 'results', label: 'Search results', emoji: searchEmoji(catalog, query).filter(allowed) }];
    const byEmoji = new Map(catalog.flatMap((category) => category.emoji.map((entry) => [entry.emoji, entry] as const)));
    const recentEntries = recent.map((emoji) => byEmoji.get(emoji) ?? { emoji, name: emoji, words: [], order: 0 }).filter(allowed);
    const categories = catalog.map((category) => ({ ...category, emoji: category.emoji.filter(allowed) }));
    return [...(recentEntries.length > 0 ? [{ id: 'recent', label: 'Recently used', emoji: recentEntries }] : []), ...categories];
  }, [catalog, recent, query, accept]);

  useEffect(() => setActive({ section: 0, index: 0 }), [query]);
  const activeEntry = sections[active.section]?.emoji[active.index];

  useEffect(() => {
    if (!activeEntry) return;
    document.getElementById(emojiOptionId(baseId, active))?.scrollIntoView?.({ block: 'nearest' });
  }, [active, activeEntry, baseId]);

  useLayoutEffect(() => {
    const element = panel.current;
    if (!element) return;
    const { width, height } = element.getBoundingClientRect();
    const above = anchor.top - height - MARGIN;
    const top = above >= MARGIN ? above : Math.min(anchor.bottom + MARGIN, window.innerHeight - height - MARGIN);
    setPlace({ left: Math.max(MARGIN, Math.min(anchor.left, window.innerWidth - width - MARGIN)), top: Math.max(MARGIN, top) });
  }, [anchor]);

  // Focus once placed: it is hidden until then, and a hidden field cannot take focus.
  const placed = place !== null;
  useEffect(() => {
    if (placed) panel.current?.querySelector('input')?.focus();
  }, [placed]);

  useEffect(() => {
    const away = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!panel.current?.contains(target) && !opener?.contains(target)) onClose();
    };
    document.addEventListener('pointerdown', away, true);
    return () => document.removeEventListener('pointerdown', away, true);
  }, [onClose, opener]);

  const latestPick = useRef(onPick);
  useEffect(() => {
    latestPick.current = onPick;
  }, [onPick]);
  const pick = useCallback(
    (entry: EmojiEntry) => {
      screenWork('emoji.recent_failed', noteEmojiUsed(db, entry.emoji));
      latestPick.current(entry.emoji);
    },
    [db],
  );

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    // Its keys are its own: in React's tree the picker sits inside a message or the composer, whose keys differ.
    event.stopPropagation();
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.target !== event.currentTarget.querySelector('input')) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      if (activeEntry) pick(activeEntry);
      return;
    }
    const direction = ({ ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' } as const)[event.key as 'ArrowLeft'];
    if (!direction || sections.every((section) => section.emoji.length === 0)) return;
    // Left and right belong to the field's caret while there is text to move through.
    if ((direction === 'left' || direction === 'right') && query.length > 0) return;
    event.preventDefault();
    setActive((spot) => moveInGrid(sections.map((section) => section.emoji.length), PICKER_COLUMNS, spot, direction));
  }

  function showSection(index: number) {
    const start = scroller.current?.querySelector<HTMLElement>(`[data-section="${index}"]`);
    if (start && scroller.current) scroller.current.scrollTop = start.offsetTop - scroller.current.offsetTop;
    setActive({ section: index, index: 0 });
    panel.current?.querySelector('input')?.focus();
  }

  const empty = catalog !== null && sections.every((section) => section.emoji.length === 0);
  return createPortal(
    <div
      ref={panel}
      className="emoji-picker"
      role="dialog"
      aria-label={label}
      style={place ? { left: place.left, top: place.top } : { visibility: 'hidden' }}
      onKeyDown={onKeyDown}
      onContextMenu={(event) => event.stopPropagation()}
      data-testid="emoji-picker"
    >
      <input
        className="emoji-search"
        type="search"
        role="combobox"
        aria-label="Search emoji"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={activeEntry ? optionId(active) : undefined}
        placeholder="Search emoji"
        autoComplete="off"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      {!query.trim() && sections.length > 0 && (
        <div className="emoji-tabs" role="tablist" aria-label="Emoji categories">
          {sections.map((section, index) => (
            <button
              key={section.id}
              type="button"
              role="tab"
              className="emoji-tab"
              aria-selected={active.section === index}
              aria-label={section.label}
              title={section.label}
              onClick={() => showSection(index)}
            >
              {section.id === 'recent' ? '🕘' : section.emoji[0]?.emoji}
            </button>
          ))}
        </div>
      )}
      {failed && <p className="emoji-note">The emoji could not be loaded.</p>}
      {!catalog && !failed && <p className="emoji-note">Loading emoji…</p>}
      {empty && (
        <p className="emoji-note" role="status">
          No emoji found
        </p>
      )}
      <div ref={scroller} className="emoji-scroll" id={listId} role="listbox" aria-label={query.trim() ? 'Search results' : 'Emoji'}>
        {sections.map((section, sectionIndex) => (
          <EmojiSection
            key={section.id}
            section={section}
            sectionIndex={sectionIndex}
            activeIndex={active.section === sectionIndex ? active.index : -1}
            baseId={baseId}
            onPick={pick}
            onHover={setActive}
          />
        ))}
      </div>
      <div className="emoji-preview" aria-hidden="true">
        {activeEntry ? (
          <>
            <span className="emoji-preview-emoji">{activeEntry.emoji}</span>
            <span className="emoji-preview-name">{activeEntry.name}</span>
          </>
        ) : (
          <span className="emoji-preview-name">&nbsp;</span>
        )}
      </div>
    </div>,
    document.body,
  );
}

function emojiOptionId(baseId: string, spot: GridSpot): string {
  return `${baseId}-${spot.section}-${spot.index}`;
}

interface EmojiSectionProps {
  section: Section;
  sectionIndex: number;
  /** The active emoji's index in this section, or -1: only the sections it leaves and enters render again. */
  activeIndex: number;
  baseId: string;
  onPick(entry: EmojiEntry): void;
  onHover(spot: GridSpot): void;
}

const EmojiSection = memo(function EmojiSection({ section, sectionIndex, activeIndex, baseId, onPick, onHover }: EmojiSectionProps) {
  if (section.emoji.length === 0) return null;
  return (
    <div role="group" aria-label={section.label} className="emoji-section" data-section={sectionIndex}>
      {/* Named by aria-label: a listbox may hold only groups and options, so the visible title is hidden from it. */}
      <h3 className="emoji-section-title" aria-hidden="true">
        {section.label}
      </h3>
      <div className="emoji-grid">
        {section.emoji.map((entry, index) => (
          <div
            key={entry.emoji}
            id={emojiOptionId(baseId, { section: sectionIndex, index })}
            role="option"
            aria-selected={index === activeIndex}
            aria-label={entry.name}
            title={entry.name}
            className={`emoji-option${index === activeIndex ? ' emoji-option-active' : ''}`}
            onPointerDown={(event) => event.preventDefault()}
            onClick={() => onPick(entry)}
            onPointerEnter={() => onHover({ section: sectionIndex, index })}
          >
            {entry.emoji}
          </div>
        ))}
      </div>
    </div>
  );
});
