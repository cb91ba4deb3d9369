/** A Responses SSE body read whole: its raw text and its events (the JSON of each `data:` line). */
export async function readSse(res: Response): Promise<{ raw: string; events: Array<Record<string, any>> }> {
  if (res.status !== 200) throw new Error(`status ${res.status}: ${await res.text()}`);
  const raw = await res.text();
  const events = raw.split('\n\n').filter((block) => block.trim() !== '').map((block) => {
    const event = /^event: (.+)$/m.exec(block)?.[1];
    const data = JSON.parse(/^data: (.+)$/m.exec(block)![1]);
    if (event !== data.type) throw new Error(`event line "${event}" does not match type "${data.type}"`);
    return data;
  });
  return { raw, events };
}
