export type JobsFileFormat = 'yaml' | 'text';

const YAML_EXTENSIONS = /\.ya?ml$/i;
const TEXT_EXTENSIONS = /\.(jobs|textproto|txtpb|pbtxt)$/i;
/** A text-format file opens with a field whose value is a block: `jobs: <` or `jobs {`. */
const TEXT_OPENING = /^(?:\s*#[^\n]*\n)*\s*[A-Za-z_]\w*\s*(?::\s*)?[<{]/;
const YAML_FLOW_OPENING = /^(?:\s*#[^\n]*\n)*\s*[A-Za-z_]\w*\s*:\s*\{/;

/**
 * `.yaml`/`.yml` is YAML; `.jobs`, `.textproto`, `.txtpb`, `.pbtxt` are text format; anything else
 * is sniffed: text format when the first field opens a block with `<` (or `{` with no colon,
 * which YAML cannot mean), YAML otherwise.
 */
export function detectFormat(file: string, text: string): JobsFileFormat {
  if (YAML_EXTENSIONS.test(file)) return 'yaml';
  if (TEXT_EXTENSIONS.test(file)) return 'text';
  return TEXT_OPENING.test(text) && !YAML_FLOW_OPENING.test(text) ? 'text' : 'yaml';
}
