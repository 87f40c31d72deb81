// People this device's user let into a group through an invite link whose admission every member then skipped
// (another admin took the link's last use at the same moment: docs/protocol.md, "Group changes"), and who must
// be told, in the vault. Stored by the receive path before the group's new state, so a crash cannot lose it;
// GroupInvites answers each with `used_up` outside the receive path and then forgets it.
import { z } from 'zod';
import { GroupId } from '../../../../shared/ipc';
import { Username } from '../../../../shared/protocol';
import { ListRecord, type Vault } from '../../vault';

/** Kept at once; beyond it the oldest goes (its joiner learns nothing more than before this record existed). */
export const MAX_UNDONE_ADMISSIONS = 200;

const UndoneAdmission = z.strictObject({ joiner: Username, groupId: GroupId });
export type UndoneAdmission = z.infer<typeof UndoneAdmission>;

const RECORD = 'group-admissions-undone';

export class UndoneAdmissions {
  private readonly records: ListRecord<UndoneAdmission>;

  constructor(vault: Vault) {
    this.records = new ListRecord(vault, RECORD, UndoneAdmission, MAX_UNDONE_ADMISSIONS, 'undone admissions');
  }

  all(): Promise<readonly UndoneAdmission[]> {
    return this.records.all();
  }

  /** Keeps admissions to tell (a repeat adds nothing). */
  add(admissions: readonly UndoneAdmission[]): Promise<void> {
    return this.records.appendNew(admissions, same);
  }

  remove(admission: UndoneAdmission): Promise<void> {
    return this.records.change((list) => list.filter((k) => !same(k, admission)));
  }
}

function same(a: UndoneAdmission, b: UndoneAdmission): boolean {
  return a.joiner === b.joiner && a.groupId === b.groupId;
}
