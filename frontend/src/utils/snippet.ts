/**
 * The server escapes snippet text and wraps matches in `<mark>`; as a second
 * line of defence every `<` that does not open or close a bare `<mark>` is
 * escaped, so no other element or attribute can reach the DOM.
 */
export function safeSnippet(snippet: string | null | undefined): string {
  if (!snippet) return ''
  return snippet.replace(/<(?!\/?mark>)/g, '&lt;')
}
