// Profiles as main reports them (docs/protocol.md "Profiles"): this user's own and the ones shared with them,
// following profiles.changed. What a profile says is its owner's claim: screens show the username beside it.
import { useCallback } from 'react';
import { create } from 'zustand';
import type { ProfileView, SetOwnProfile } from '../../shared/ipc';
import { invoke, subscribe } from '../ipc';

interface ProfilesStore {
  own: ProfileView | null;
  others: Record<string, ProfileView>;
  load(): Promise<void>;
  /** Follows profiles.changed; returns the unsubscribe function. */
  follow(me: string): () => void;
  setOwn(profile: SetOwnProfile): Promise<ProfileView>;
}

export const useProfiles = create<ProfilesStore>((set) => ({
  own: null,
  others: {},
  async load() {
    const { own, others } = await invoke('profiles.list', {});
    set({ own, others: Object.fromEntries(others.map((profile) => [profile.username, profile])) });
  },
  follow(me) {
    return subscribe('profiles.changed', (profile) => {
      if (profile.username === me) set({ own: profile });
      else set((state) => ({ others: { ...state.others, [profile.username]: profile } }));
    });
  },
  async setOwn(profile) {
    const own = await invoke('profiles.setOwn', profile);
    set({ own });
    return own;
  },
}));

/** The profile of `username` (this user's own for their own name), if they shared one. */
export function useProfile(username: string | null | undefined): ProfileView | undefined {
  return useProfiles((state) => (!username ? undefined : state.own?.username === username ? state.own : state.others[username]));
}

/** Looks up the name a person shared (this user's own included), to find chats by it. */
export function useDisplayNameOf(): (username: string) => string | undefined {
  const own = useProfiles((state) => state.own);
  const others = useProfiles((state) => state.others);
  return useCallback((username: string) => (own?.username === username ? own.name : others[username]?.name), [own, others]);
}

/** An avatar image as the `src` of an <img>. */
export function avatarSource(profile: ProfileView | undefined): string | null {
  return profile?.avatar ? `data:${profile.avatar.type};base64,${profile.avatar.data}` : null;
}
