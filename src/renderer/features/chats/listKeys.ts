// The chat list is one stop of the Tab order, as in other messengers: Tab lands on the open chat (or the first), and
// the arrow keys, Home and End move from chat to chat; Enter opens one. With hundreds of chats, Tab would otherwise
// walk through every one of them between the search box and the open chat.

/** Where a key moves the focus among `count` rows from row `index`; undefined for keys the list does not take. */
export function rowAfterKey(key: string, index: number, count: number): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'ArrowDown':
      return Math.min(index + 1, count - 1);
    case 'ArrowUp':
      return Math.max(index - 1, 0);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
