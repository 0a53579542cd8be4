// What the page says when more files are dropped than it opens (one trace, or two to compare).

/** The notice for a drop of `files` of which the first `opened` are opened; null when none is left out. */
export function skippedNotice(files: readonly { name: string }[], opened: number): string | null {
  const rest = files.slice(opened).map((f) => f.name);
  if (rest.length === 0) return null;
  const names = rest.length > 3 ? `${rest.slice(0, 3).join(', ')} and ${rest.length - 3} more` : rest.join(', ');
  const were = rest.length > 1 ? 'were' : 'was';
  if (opened === 1) {
    return `Dropped ${files.length} files: opening ${files[0]!.name} only; ${names} ${were} not opened. Drop one file at a time, or hold Shift while dropping two files to compare them.`;
  }
  return `Dropped ${files.length} files: comparing ${files[0]!.name} and ${files[1]!.name} only; ${names} ${were} not opened (two traces at most).`;
}
