// A person's avatar: the photo from their profile when they shared one, else their initials (from their profile
// name, or their username).
import { avatarSource, useProfile } from '../../store/profiles';
import { Avatar } from '../../ui/Avatar';

export function PersonAvatar({ username, size }: { username: string; size?: number }) {
  const profile = useProfile(username);
  return <Avatar name={profile?.name ?? username} image={avatarSource(profile)} {...(size === undefined ? {} : { size })} />;
}

/** The name to show for `username`: the one from their profile, or the username itself. */
export function useDisplayName(username: string | null | undefined): string | undefined {
  return useProfile(username)?.name ?? username ?? undefined;
}
