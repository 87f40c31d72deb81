// Short messages for the user about actions that happen away from a form (a link that could not open, a group
// change that failed); each disappears after a while or when dismissed.
import { create } from 'zustand';

export interface Notice {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

const NOTICE_MS = 6_000;
let nextId = 1;

interface NoticesStore {
  notices: Notice[];
  notify(text: string, tone?: Notice['tone']): void;
  dismiss(id: number): void;
}

export const useNotices = create<NoticesStore>((set, get) => ({
  notices: [],
  notify(text, tone = 'info') {
    const id = nextId++;
    set((state) => ({ notices: [...state.notices.slice(-2), { id, text, tone }] }));
    setTimeout(() => get().dismiss(id), NOTICE_MS);
  },
  dismiss(id) {
    set((state) => ({ notices: state.notices.filter((notice) => notice.id !== id) }));
  },
}));
