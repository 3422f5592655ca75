/**
 * The assistant's question set: what homeowners ask about the seeded guides, in their own words.
 * Each question names the passage(s) that answer it, by the guide's category and the section
 * heading (one per part for a two-part question); an empty `expect` means the guides do not
 * answer it and the assistant must say it does not know. `contains`: words the answer must quote.
 *
 * Written from the guides' content as a homeowner would ask, not from the ranking's behaviour:
 * paraphrases use words the guides do not ("rubbish", "internet", "boiler"), and the unanswerable
 * ones are near misses as well as plainly off topic.
 */

export interface Expected {
  category: string;
  heading: string;
}

export interface EvalQuestion {
  question: string;
  expect: Expected[];
  contains?: string[];
  /** A seeded homeowner other than the default one (another tenant's guides, bin day, phone). */
  as?: string;
  kind: 'direct' | 'paraphrase' | 'two-part' | 'unanswerable';
}

const bins = { category: 'waste', heading: 'Bins and recycling' };
const whichBin = { category: 'waste', heading: 'Which bin is which' };
const bulky = { category: 'waste', heading: 'Bulky items' };
const warranty = { category: 'warranty', heading: 'Your new-home warranty' };
const yearsOneTwo = { category: 'warranty', heading: 'What is covered in years one and two' };
const notCovered = { category: 'warranty', heading: 'What is not covered' };
const yearsThreeTen = { category: 'warranty', heading: 'Years three to ten' };
const heatPump = { category: 'heating', heading: 'Your air source heat pump' };
const temperature = { category: 'heating', heading: 'Setting the temperature' };
const hotWater = { category: 'heating', heading: 'Hot water and the legionella cycle' };
const servicing = { category: 'heating', heading: 'Servicing' };
const snagging = { category: 'snagging', heading: 'Snagging' };
const howToReport = { category: 'snagging', heading: 'How to report' };
const snaggingVisit = { category: 'snagging', heading: 'The snagging visit' };
const parking = { category: 'parking', heading: 'Parking' };
const charging = { category: 'parking', heading: 'Electric vehicle charging' };
const roads = { category: 'parking', heading: 'Roads not yet adopted' };
const connected = { category: 'broadband', heading: 'Getting connected' };
const meters = { category: 'broadband', heading: 'Water, electricity and meter readings' };
const keys = { category: 'completion', heading: 'Keys and alarm' };
const appliances = { category: 'completion', heading: 'Appliances' };

export const DEFAULT_HOMEOWNER = 'plot01.meadow-view@northfield.test';
const QUAYSIDE = 'plot04.quayside-gardens@harbourside.test';

export const QUESTIONS: EvalQuestion[] = [
  // Bins and recycling.
  { kind: 'direct', question: 'When are the bins collected?', expect: [bins], contains: ['Tuesday'] },
  { kind: 'paraphrase', question: 'What day is rubbish collection?', expect: [bins], contains: ['Tuesday'] },
  { kind: 'paraphrase', question: 'Which day do I put my wheelie bin out?', expect: [bins] },
  { kind: 'direct', question: 'What time do the bins need to be out by?', expect: [bins], contains: ['7am'] },
  { kind: 'direct', question: 'Where does glass go?', expect: [whichBin], contains: ['black box'] },
  { kind: 'direct', question: 'Which bin is for food waste?', expect: [whichBin], contains: ['brown caddy'] },
  { kind: 'paraphrase', question: 'Can I put cardboard and tins in the blue bin?', expect: [whichBin] },
  { kind: 'paraphrase', question: 'How do I get rid of an old sofa?', expect: [bulky] },
  { kind: 'direct', question: 'Can I leave moving boxes next to the bin store?', expect: [bulky] },
  {
    kind: 'direct',
    question: 'When are bins collected here?',
    expect: [bins],
    contains: ['Thursday'],
    as: QUAYSIDE,
  },
  // Warranty.
  {
    kind: 'paraphrase',
    question: 'Is a 2mm crack in the plaster covered by the warranty?',
    expect: [notCovered],
    contains: ['3 mm'],
  },
  { kind: 'paraphrase', question: 'Are hairline cracks in my walls a defect?', expect: [notCovered] },
  {
    kind: 'direct',
    question: 'How long is my home under warranty?',
    expect: [warranty],
    contains: ['ten-year'],
  },
  { kind: 'paraphrase', question: 'Who fixes a leaking pipe in the first two years?', expect: [yearsOneTwo] },
  {
    kind: 'paraphrase',
    question: 'Is the roof structure still covered in year five?',
    expect: [yearsThreeTen],
  },
  {
    kind: 'direct',
    question: 'Who do I claim from if there is a problem with the foundations?',
    expect: [yearsThreeTen],
  },
  { kind: 'paraphrase', question: 'Is damage from my own alterations covered?', expect: [notCovered] },
  { kind: 'paraphrase', question: 'Are doors and windows that stick covered?', expect: [yearsOneTwo] },
  // Heating and hot water.
  {
    kind: 'direct',
    question: 'What temperature should I set the thermostat to?',
    expect: [temperature],
    contains: ['20°C'],
  },
  { kind: 'paraphrase', question: 'Should I switch the heat pump off when I go out?', expect: [heatPump] },
  {
    kind: 'paraphrase',
    question: 'Why does the hot water get very hot on Sunday nights?',
    expect: [hotWater],
  },
  {
    kind: 'direct',
    question: 'How big is the hot water cylinder?',
    expect: [hotWater],
    contains: ['200 litres'],
  },
  { kind: 'paraphrase', question: 'How often does the boiler need servicing?', expect: [servicing] },
  { kind: 'direct', question: 'What should I do about snow on the outdoor unit?', expect: [servicing] },
  {
    kind: 'paraphrase',
    question: 'Will turning the thermostat up warm the house faster?',
    expect: [temperature],
  },
  // Snagging and support.
  { kind: 'direct', question: 'What is a snag?', expect: [snagging] },
  { kind: 'paraphrase', question: 'How do I report a problem with my new home?', expect: [howToReport] },
  {
    kind: 'paraphrase',
    question: 'How quickly will customer care reply to me?',
    expect: [howToReport],
    contains: ['two working days'],
  },
  {
    kind: 'paraphrase',
    question: 'Our heating stopped working in winter, what number do I call?',
    expect: [howToReport],
    contains: ['0161 555 0101'],
  },
  {
    kind: 'direct',
    question: 'How long does it take to fix snags after the visit?',
    expect: [snaggingVisit],
    contains: ['28 days'],
  },
  {
    kind: 'paraphrase',
    question: 'Who do I ring about an urgent leak?',
    expect: [howToReport],
    contains: ['0117 555 0202'],
    as: QUAYSIDE,
  },
  // Parking, charging, roads.
  {
    kind: 'direct',
    question: 'How many parking spaces do I get?',
    expect: [parking],
    contains: ['two allocated spaces'],
  },
  {
    kind: 'paraphrase',
    question: 'How long can my guests stay in the visitor bays?',
    expect: [parking],
    contains: ['48 hours'],
  },
  { kind: 'paraphrase', question: 'Is there a charger for an electric car?', expect: [charging] },
  { kind: 'paraphrase', question: 'How do I charge my car on a cheap night tariff?', expect: [charging] },
  { kind: 'paraphrase', question: 'Who do I tell about a pothole in the road?', expect: [roads] },
  { kind: 'paraphrase', question: 'A street light outside is broken, who maintains it?', expect: [roads] },
  // Broadband and utilities.
  { kind: 'paraphrase', question: 'How do I get the internet set up?', expect: [connected] },
  {
    kind: 'direct',
    question: 'How long does broadband activation take?',
    expect: [connected],
    contains: ['five working days'],
  },
  { kind: 'direct', question: 'Where is my water meter?', expect: [meters], contains: ['boundary box'] },
  { kind: 'direct', question: 'Where can I find the electricity meter?', expect: [meters] },
  { kind: 'paraphrase', question: 'What do I do about meter readings when I move in?', expect: [meters] },
  // Completion pack (the homeowner's own house).
  {
    kind: 'direct',
    question: 'How many keys did I get at handover?',
    expect: [keys],
    contains: ['three front door keys'],
  },
  {
    kind: 'direct',
    question: 'When should I change the alarm code?',
    expect: [keys],
    contains: ['first week'],
  },
  { kind: 'paraphrase', question: 'Is my oven still under warranty?', expect: [appliances] },
  // Two questions in one.
  {
    kind: 'two-part',
    question: 'When are the bins collected and where does glass go?',
    expect: [bins, whichBin],
    contains: ['Tuesday', 'black box'],
  },
  {
    kind: 'two-part',
    question: 'What temperature should the thermostat be on, and how often should the heat pump be serviced?',
    expect: [temperature, servicing],
  },
  {
    kind: 'two-part',
    question: 'How many parking spaces do I get? Is there an electric car charger?',
    expect: [parking, charging],
  },
  {
    kind: 'two-part',
    question: 'Where is the water meter and how do I get broadband connected?',
    expect: [meters, connected],
  },
  // Not in the guides: the assistant must say it does not know.
  { kind: 'unanswerable', question: 'What is the capital of France?', expect: [] },
  { kind: 'unanswerable', question: 'Can I keep chickens in my back garden?', expect: [] },
  { kind: 'unanswerable', question: 'How much council tax will I pay?', expect: [] },
  { kind: 'unanswerable', question: 'When will the new primary school open?', expect: [] },
  { kind: 'unanswerable', question: 'Can I paint my front door red?', expect: [] },
  { kind: 'unanswerable', question: 'Is there a gym on the development?', expect: [] },
  { kind: 'unanswerable', question: 'What is the wifi password?', expect: [] },
  { kind: 'unanswerable', question: 'Who won the football last night?', expect: [] },
  { kind: 'unanswerable', question: 'How do I apply for a mortgage?', expect: [] },
  { kind: 'unanswerable', question: 'Do I need planning permission for a conservatory?', expect: [] },
  { kind: 'unanswerable', question: 'When is the next residents meeting?', expect: [] },
  { kind: 'unanswerable', question: 'Where is the stopcock for the water?', expect: [] },
  { kind: 'unanswerable', question: 'Can I get a refund on my reservation fee?', expect: [] },
  { kind: 'unanswerable', question: 'Are dogs allowed in the play area?', expect: [] },
];
