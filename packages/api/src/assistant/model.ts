import type { AssistantEnv } from './env';
import type { RetrievedPassage } from './retrieve';

/**
 * One call to an OpenAI-compatible chat-completions endpoint, with a timeout. The caller holds
 * no database connection while this waits.
 */

const INSTRUCTIONS =
  'You answer a homeowner’s question using only the numbered passages from their home’s documents. ' +
  'Cite passages as [1], [2]. If the passages do not answer the question, say you do not know. ' +
  'Never invent facts. Answer in plain British English, in at most five sentences.';

export async function askModel(
  env: AssistantEnv & { ASSISTANT_LLM_BASE_URL: string },
  question: string,
  passages: RetrievedPassage[],
): Promise<string> {
  const context = passages
    .map((p, i) => `[${i + 1}] ${p.title}${p.heading ? ` — ${p.heading}` : ''}\n${p.content}`)
    .join('\n\n');
  const response = await fetch(`${env.ASSISTANT_LLM_BASE_URL.replace(/\/+$/, '')}/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(env.ASSISTANT_LLM_API_KEY ? { authorization: `Bearer ${env.ASSISTANT_LLM_API_KEY}` } : {}),
    },
    body: JSON.stringify({
      model: env.ASSISTANT_LLM_MODEL,
      temperature: 0,
      messages: [
        { role: 'system', content: INSTRUCTIONS },
        { role: 'user', content: `Passages:\n\n${context}\n\nQuestion: ${question}` },
      ],
    }),
    signal: AbortSignal.timeout(env.ASSISTANT_LLM_TIMEOUT_MS),
  });
  if (!response.ok) throw new Error(`model answered HTTP ${response.status}`);
  const body = (await response.json()) as { choices?: { message?: { content?: unknown } }[] };
  const content = body.choices?.[0]?.message?.content;
  if (typeof content !== 'string' || !content.trim()) throw new Error('model returned no answer');
  return content.trim();
}
