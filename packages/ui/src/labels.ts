/** Names people read for the codes the API uses. */

const CATEGORIES: Record<string, string> = {
  warranty: 'Warranty',
  heating: 'Heating and hot water',
  waste: 'Bins and recycling',
  snagging: 'Snagging',
  parking: 'Parking and EV charging',
  broadband: 'Broadband and utilities',
  completion: 'Completion pack',
  maintenance: 'Looking after your home',
  legal: 'Legal and management',
  garden: 'Garden',
};

/** The categories offered in filters, in a sensible order. */
export const KNOWN_CATEGORIES = Object.keys(CATEGORIES);

const words = (code: string) => {
  const text = code.replace(/[._-]+/g, ' ').trim();
  return text ? text[0]!.toUpperCase() + text.slice(1) : code;
};

export const categoryLabel = (category: string) => CATEGORIES[category] ?? words(category);

const EVENTS: Record<string, string> = {
  'page.view': 'Pages viewed',
  'notice.opened': 'Notices opened',
  'assistant.asked': 'Questions asked',
  'onboarding.step': 'Setup steps completed',
};

export const eventLabel = (name: string) => EVENTS[name] ?? words(name);

export const CONTACT_CHANNELS: Record<string, string> = {
  email: 'Email',
  phone: 'Phone call',
  sms: 'Text message',
};
