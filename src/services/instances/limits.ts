// Instance input limits, in one place: the registry enforces them and the GraphQL schema reads them.

export const INSTANCE_NAME_MAX_LENGTH = 64;
/** Free-text labels (group label); the note may be longer. */
export const LABEL_MAX_LENGTH = 255;
export const NOTE_MAX_LENGTH = 4_096;
