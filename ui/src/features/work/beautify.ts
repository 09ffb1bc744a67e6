// Beautify for a raw JSON body: the text re-indented, or why it cannot be.

/** `text` as indented JSON, or why it is not JSON. */
export function beautifyJson(text: string): { text: string } | { error: string } {
  try {
    return { text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch (error) {
    return { error: `Not valid JSON: ${(error as Error).message}` };
  }
}
