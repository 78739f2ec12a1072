/** How long ago `iso` was, shortly: 42s, 5m, 3h, 2d. */
export function since(iso: string | undefined, now: number): string {
  if (!iso) return '';
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86400)}d`;
}

export function clockTime(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

/** The image's name and tag, without its registry. */
export function imageName(image: string): string {
  return image.slice(image.lastIndexOf('/') + 1);
}

export function revision(value: number | undefined): string {
  return value === undefined ? '–' : `r${value}`;
}
