// Showing one message on request (a quote was clicked): finds it by conversation, id and author, loads a page of
// history around it when it is not in the loaded window, scrolls it to the middle, selects it and flashes it.
import { useEffect, useLayoutEffect, useState } from 'react';
import type { ParleyDatabase } from '../../db/database';
import { screenWork } from '../../db/screenWork';
import { useMessageActions } from '../../store/messageActions';
import type { ListItem } from './listItems';

interface JumpOptions {
  db: ParleyDatabase;
  conversationId: string;
  items: readonly ListItem[];
  showAround(seq: number): Promise<void>;
  scrollToIndex(index: number): void;
  container: () => HTMLElement | null;
}

export function useJumpToMessage({ db, conversationId, items, showAround, scrollToIndex, container }: JumpOptions): void {
  const jump = useMessageActions((state) => (state.jump?.conversationId === conversationId ? state.jump : null));
  const [targetSeq, setTargetSeq] = useState<number | null>(null);

  useEffect(() => {
    if (!jump) return;
    let current = true;
    const find = db.messages
      .where('[conversationId+messageId+sender]')
      .equals([conversationId, jump.messageId, jump.author])
      .first()
      .then(async (row) => {
        if (!current || row?.seq === undefined) return;
        const seq = row.seq;
        const loaded = items.some((item) => item.kind === 'message' && item.message.seq === seq);
        if (!loaded) await showAround(seq);
        if (current) setTargetSeq(seq);
      });
    screenWork('chat.jump_failed', find);
    return () => {
      current = false;
    };
    // Only a new request starts a jump; the items it checks are those of that moment.
  }, [jump, db, conversationId]);

  useLayoutEffect(() => {
    if (targetSeq === null) return;
    const index = items.findIndex((item) => item.kind === 'message' && item.message.seq === targetSeq);
    if (index < 0) return;
    setTargetSeq(null);
    scrollToIndex(index);
    requestAnimationFrame(() => {
      const element = container()?.querySelector<HTMLElement>(`[data-index="${index}"] .message`);
      if (!element) return;
      element.focus({ preventScroll: true });
      element.classList.remove('message-highlight');
      void element.offsetWidth;
      element.classList.add('message-highlight');
    });
  }, [items, targetSeq, scrollToIndex, container]);
}
