import type { BotSettings } from '@parley/common';
import { DEFAULT_OPT_IN_WORDS, DEFAULT_OPT_OUT_WORDS } from './intents.js';

/**
 * What a tenant's bot says and when it is open until an admin changes it. A new tenant has no
 * tables either, and this is still a working bot: it greets, offers a person, and hands off.
 */
export const DEFAULT_BOT_SETTINGS: BotSettings = {
  greeting: 'Hi! Thanks for contacting us. Pick an option from the menu or tell us what you need.',
  clarify: "Sorry, I didn't get that. Could you put it another way, or pick an option from the menu?",
  handoff: "Thanks! I'm passing you to a member of our team, who will reply here shortly.",
  outOfHoursReply: "Thanks for your message. We're closed right now; our team will reply as soon as we open.",
  timezone: 'UTC',
  hours: [
    ...[1, 2, 3, 4, 5].map((day) => ({ day, open: '08:00', close: '20:00' })),
    { day: 6, open: '09:00', close: '13:00' },
  ],
  optOutWords: [...DEFAULT_OPT_OUT_WORDS],
  optInWords: [...DEFAULT_OPT_IN_WORDS],
  optOutConfirmation: "You won't receive promotional messages from us any more. Reply START to subscribe again.",
  optInConfirmation: "You're subscribed again. Reply STOP at any time to unsubscribe.",
};
