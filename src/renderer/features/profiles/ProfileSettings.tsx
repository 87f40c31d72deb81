// Settings › Profile: the name and photo this user shows to the people they write to. Both travel end to end
// (docs/protocol.md "Profiles"): the relay keeps only ciphertext, and only people this user writes to get the key.
import { useId, useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import { AvatarImage, MAX_PROFILE_NAME_CHARS, ProfileName } from '../../../shared/ipc';
import { userMessage } from '../../errors';
import { useAccount } from '../../store/account';
import { useProfiles } from '../../store/profiles';
import { Avatar } from '../../ui/Avatar';
import { AvatarImageError, resizeAvatar } from './resizeAvatar';
import { FormError } from '../../ui/FormError';

export function ProfileSettings() {
  const username = useAccount((state) => state.account?.username ?? '');
  const own = useProfiles((state) => state.own);
  const setOwn = useProfiles((state) => state.setOwn);
  const [name, setName] = useState(own?.name ?? '');
  const [avatar, setAvatar] = useState<AvatarImage | null>(own?.avatar ?? null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<'idle' | 'saving' | 'saved'>('idle');
  const fileInput = useRef<HTMLInputElement>(null);
  const nameId = useId();
  const errorId = useId();
  const hintId = useId();
  const changed = name.trim() !== (own?.name ?? '') || avatar?.data !== own?.avatar?.data;

  async function choosePhoto(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setError(null);
    setStatus('idle');
    try {
      setAvatar(await resizeAvatar(file));
    } catch (failure) {
      setError(failure instanceof AvatarImageError ? failure.message : 'That picture could not be used.');
    }
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const parsed = ProfileName.safeParse(name);
    if (!parsed.success) {
      setError(parsed.error.issues[0]?.message ?? 'That name cannot be used.');
      return;
    }
    setStatus('saving');
    try {
      await setOwn({ name: parsed.data, avatar });
      setName(parsed.data);
      setStatus('saved');
    } catch (failure) {
      setError(userMessage(failure, 'Could not save your profile. Please try again.'));
      setStatus('idle');
    }
  }

  const image = avatar ? `data:${avatar.type};base64,${avatar.data}` : null;
  return (
    <form className="profile-settings" onSubmit={(event) => void save(event)} noValidate aria-labelledby={`${nameId}-title`}>
      <h3 className="section-title" id={`${nameId}-title`}>
        Profile
      </h3>
      <div className="profile-settings-row">
        <Avatar name={name.trim() || username} size={64} image={image} />
        <div className="profile-settings-photo">
          <button type="button" className="button-secondary" onClick={() => fileInput.current?.click()}>
            {avatar ? 'Change photo…' : 'Choose photo…'}
          </button>
          {avatar && (
            <button type="button" className="button-link" onClick={() => (setAvatar(null), setStatus('idle'))}>
              Remove photo
            </button>
          )}
          <input ref={fileInput} type="file" accept="image/jpeg,image/png,image/webp" hidden onChange={(event) => void choosePhoto(event)} aria-label="Profile photo" />
        </div>
      </div>
      <label htmlFor={nameId}>Name</label>
      <div className="input-row">
        <input
          id={nameId}
          value={name}
          maxLength={MAX_PROFILE_NAME_CHARS + 8}
          dir="auto"
          autoComplete="name"
          onChange={(event) => {
            setName(event.target.value);
            setStatus('idle');
            setError(null);
          }}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${errorId} ${hintId}` : hintId}
        />
        <button type="submit" className="button-secondary" disabled={status === 'saving' || !changed}>
          {status === 'saving' ? 'Saving…' : 'Save profile'}
        </button>
      </div>
      <p id={hintId} className="field-hint">
        Shown to the people you write to, end to end encrypted. Your username, {username}, stays how they find you.
      </p>
      <FormError error={error} id={errorId} />
      {status === 'saved' && (
        <p className="form-success" role="status">
          Profile saved. People see it with your next message.
        </p>
      )}
    </form>
  );
}
