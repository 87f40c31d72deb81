// The join requests this user sent that are not settled yet, under the chat list: "waiting for an admin" survives a
// restart because main keeps these (groups.pendingJoins). Gone once the group arrives, the request is refused, or
// the link expires.
import { useEffect, useState } from 'react';
import type { PendingJoinView } from '../../../../shared/ipc';
import { screenWork } from '../../../db/screenWork';
import { invoke, subscribe } from '../../../ipc';
import { useGroups } from '../../../store/groups';
import { pendingJoinText } from './inviteText';

export function PendingJoins() {
  const [pending, setPending] = useState<PendingJoinView[]>([]);
  // A group arriving settles its request: ask again whenever the groups change.
  const groups = useGroups((state) => state.groups);

  useEffect(() => {
    let stopped = false;
    const load = () => screenWork('invites.pending_failed', invoke('groups.pendingJoins', {}).then((list) => !stopped && setPending(list)));
    load();
    const stop = subscribe('groups.pendingJoinsChanged', load);
    return () => {
      stopped = true;
      stop();
    };
  }, [groups]);

  const now = Date.now();
  const open = pending.filter((join) => join.expiresAt > now);
  if (open.length === 0) return null;
  return (
    <section className="pending-joins" aria-label="Join requests">
      <ul>
        {open.map((join) => (
          <li key={`${join.groupId}/${join.inviter}`}>
            <p className="notice-inline" role="status">
              {pendingJoinText(join)}
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
