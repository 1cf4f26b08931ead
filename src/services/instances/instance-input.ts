import { validationFailed } from '../shared/index.ts';
import { INSTANCE_NAME_MAX_LENGTH, LABEL_MAX_LENGTH, NOTE_MAX_LENGTH } from './limits.ts';

/** Free-text labels: trimmed, empty means none. */
function checkLabel(value: unknown, field: string, max = LABEL_MAX_LENGTH): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw validationFailed(`${field} must be a string`, { field });
  const trimmed = value.trim();
  if (trimmed.length > max) throw validationFailed(`${field} must be at most ${max} characters`, { field });
  return trimmed || null;
}

/** A new instance's name (trimmed, 1 to INSTANCE_NAME_MAX_LENGTH) and group label. Throws VALIDATION_FAILED. */
export function checkNewInstance(input: { name: string; groupLabel?: string | null }): { name: string; groupLabel: string | null } {
  const name = String(input.name ?? '').trim();
  if (!name || name.length > INSTANCE_NAME_MAX_LENGTH) throw validationFailed(`name must be 1 to ${INSTANCE_NAME_MAX_LENGTH} characters`, { field: 'name' });
  return { name, groupLabel: checkLabel(input.groupLabel, 'groupLabel') };
}

/** The operator's label changes as a column patch: only what was given. Throws VALIDATION_FAILED. */
export function checkLabelChanges(changes: { groupLabel?: string | null; used?: boolean; note?: string | null }): { groupLabel?: string | null; used?: boolean; note?: string | null } {
  if (changes.used !== undefined && typeof changes.used !== 'boolean') throw validationFailed('used must be true or false', { field: 'used' });
  return {
    ...(changes.groupLabel !== undefined ? { groupLabel: checkLabel(changes.groupLabel, 'groupLabel') } : {}),
    ...(changes.used !== undefined ? { used: changes.used } : {}),
    ...(changes.note !== undefined ? { note: checkLabel(changes.note, 'note', NOTE_MAX_LENGTH) } : {}),
  };
}
