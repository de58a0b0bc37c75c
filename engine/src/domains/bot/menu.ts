import { LOOKUP_KINDS, type LookupKind } from '@parley/common';

/** The `interactive` object of a WhatsApp list message (whatsapp-cloud-api §2.2). */
export type InteractiveListBody = {
  type: 'list';
  body: { text: string };
  action: {
    button: string;
    sections: { title: string; rows: { id: string; title: string; description?: string }[] }[];
  };
};

/** Ids of the menu's rows, as they come back in a `list_reply`. */
export const REPLY_IDS = {
  human: 'human',
  menu: 'menu',
  lookup: (id: string) => `lookup:${id}`,
} as const;

/** WhatsApp's limit on a list row's id: a longer reply id is none of ours. */
const MAX_REPLY_ID_LENGTH = 200;

/** The row id of a lookup, or null when the id is not one. */
export function lookupIdOf(replyId: string): string | null {
  if (replyId.length > MAX_REPLY_ID_LENGTH || !replyId.startsWith('lookup:')) return null;
  return replyId.slice('lookup:'.length);
}

// Limits of a list message (§2.2); breaking one makes Meta refuse the whole message.
const LIMITS = { rows: 10, body: 4096, button: 20, sectionTitle: 24, rowTitle: 24, rowDescription: 72 } as const;

const SECTION_TITLES: Record<LookupKind, string> = { services: 'Services', products: 'Products', issues: 'Issues' };
const humanSection = () => ({ title: 'Other', rows: [{ id: REPLY_IDS.human, title: 'Talk to a person', description: 'A member of our team will reply' }] });

export interface MenuRow {
  id: string;
  kind: LookupKind;
  name: string;
  description: string;
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * The menu from a tenant's active rows: the first rows by name when there are more than fit,
 * grouped by table, and always a way to reach a person. With no rows it is just that way.
 */
export function buildMenu(greeting: string, rows: readonly MenuRow[]): InteractiveListBody {
  const human = humanSection();
  const room = LIMITS.rows - human.rows.length;
  const chosen = [...rows].sort((a, b) => a.name.localeCompare(b.name)).slice(0, room);
  const sections = LOOKUP_KINDS.map((kind) => ({
    title: clip(SECTION_TITLES[kind], LIMITS.sectionTitle),
    rows: chosen
      .filter((row) => row.kind === kind)
      .map((row) => ({
        id: REPLY_IDS.lookup(row.id),
        title: clip(row.name, LIMITS.rowTitle),
        ...(row.description ? { description: clip(row.description, LIMITS.rowDescription) } : {}),
      })),
  })).filter((section) => section.rows.length > 0);
  return {
    type: 'list',
    body: { text: clip(greeting, LIMITS.body) },
    action: { button: clip('See options', LIMITS.button), sections: [...sections, human] },
  };
}
