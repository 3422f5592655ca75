/**
 * Splits a markdown or plain-text document into passages for retrieval: one passage per section
 * (a markdown heading starts a section), long sections cut at paragraph boundaries.
 */

export interface Passage {
  position: number;
  heading: string | null;
  content: string;
}

export const MAX_DOCUMENT_CHARS = 100_000;
const MAX_PASSAGE_CHARS = 1_200;

export function splitIntoPassages(body: string): Passage[] {
  const sections: { heading: string | null; paragraphs: string[] }[] = [{ heading: null, paragraphs: [] }];
  for (const block of body.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const text = block.trim();
    if (!text) continue;
    const heading = /^#{1,6}\s+(.+)$/m.exec(text.split('\n')[0]!);
    if (heading) {
      sections.push({ heading: heading[1]!.trim(), paragraphs: [] });
      const rest = text.split('\n').slice(1).join('\n').trim();
      if (rest) sections.at(-1)!.paragraphs.push(rest);
    } else {
      sections.at(-1)!.paragraphs.push(text);
    }
  }

  const passages: Passage[] = [];
  for (const { heading, paragraphs } of sections) {
    let current = '';
    const flush = () => {
      if (current) passages.push({ position: passages.length, heading, content: current });
      current = '';
    };
    for (const paragraph of paragraphs) {
      if (current && current.length + paragraph.length + 2 > MAX_PASSAGE_CHARS) flush();
      current = current ? `${current}\n\n${paragraph}` : paragraph;
    }
    flush();
    if (paragraphs.length === 0 && heading) {
      passages.push({ position: passages.length, heading, content: heading });
    }
  }
  return passages;
}
