/**
 * The `rel="next"` target of a `Link` header (RFC 8288), resolved against the URL of the page
 * that carried it: registries send relative (`</v2/_catalog?last=b&n=2>`) or absolute links.
 */
export function nextPageUrl(linkHeader: string | null, pageUrl: string): string | undefined {
  if (!linkHeader) return undefined;
  for (const match of linkHeader.matchAll(/<([^>]*)>\s*((?:;\s*[^;,]*)*)/g)) {
    const rels = /;\s*rel\s*=\s*"?([^";,]*)"?/i.exec(match[2])?.[1].toLowerCase().split(/\s+/) ?? [];
    if (rels.includes('next')) return new URL(match[1], pageUrl).toString();
  }
  return undefined;
}
