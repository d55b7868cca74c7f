// Files that are not text task files but are often given as one (a dataset downloaded as Parquet,
// a compressed JSONL, a spreadsheet): recognised by their first bytes, so the user gets one line
// saying what the file is and how to convert it, instead of thousands of "invalid JSON" lines.
import { basename, extname } from 'node:path';

interface ForeignFormat {
  matches(head: Buffer): boolean;
  /** What the file is and what to do, after "<path> is ". */
  advice(path: string): string;
}

/** Python that writes the DataFrame `read` (a pandas expression) as JSON Lines next to `path`. */
function pandas(path: string, read: string): string {
  const out = JSON.stringify(path.slice(0, path.length - extname(path).length) + '.jsonl');
  return `e.g. in Python: ${read}.to_json(${out}, orient="records", lines=True)`;
}

const startsWith = (...bytes: number[]) => (head: Buffer): boolean => bytes.every((b, i) => head[i] === b);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const CONVERT = 'which Gap Lens does not read: convert it to JSON Lines first';

const FORMATS: readonly ForeignFormat[] = [
  { matches: startsWith(...ascii('PAR1')), advice: (p) => `a Parquet file, ${CONVERT}, ${pandas(p, `pandas.read_parquet(${JSON.stringify(p)})`)}` },
  { matches: startsWith(...ascii('ARROW1')), advice: (p) => `an Arrow/Feather file, ${CONVERT}, ${pandas(p, `pandas.read_feather(${JSON.stringify(p)})`)}` },
  { matches: startsWith(...ascii('FEA1')), advice: (p) => `a Feather (v1) file, ${CONVERT}, ${pandas(p, `pandas.read_feather(${JSON.stringify(p)})`)}` },
  // The Arrow IPC stream format (Hugging Face datasets' cache files) starts with a continuation marker.
  { matches: startsWith(0xff, 0xff, 0xff, 0xff), advice: (p) => `an Arrow stream, ${CONVERT}, ${pandas(p, `pyarrow.ipc.open_stream(${JSON.stringify(p)}).read_pandas()`)}` },
  {
    matches: startsWith(...ascii('SQLite format 3'), 0),
    advice: (p) => `an SQLite database, ${CONVERT}, ${pandas(p, `pandas.read_sql("select * from TABLE", sqlite3.connect(${JSON.stringify(p)}))`)}`,
  },
  {
    // Local file header, or the end record of an empty archive.
    matches: (h) => startsWith(...ascii('PK'), 3, 4)(h) || startsWith(...ascii('PK'), 5, 6)(h),
    advice: (p) =>
      /^\.xls[xm]$/i.test(extname(p))
        ? `an Excel workbook, ${CONVERT}, ${pandas(p, `pandas.read_excel(${JSON.stringify(p)})`)}`
        : 'a ZIP archive: unpack it and give the .jsonl or .csv task file inside',
  },
  { matches: startsWith(0xd0, 0xcf, 0x11, 0xe0), advice: (p) => `an Excel (.xls) or other Office file, ${CONVERT}, ${pandas(p, `pandas.read_excel(${JSON.stringify(p)})`)}` },
  { matches: startsWith(0x1f, 0x8b), advice: (p) => `gzip-compressed: decompress it first (gunzip -k ${basename(p)}) and give the file inside` },
  { matches: startsWith(0x28, 0xb5, 0x2f, 0xfd), advice: (p) => `zstd-compressed: decompress it first (zstd -d ${basename(p)}) and give the file inside` },
  { matches: startsWith(0xfd, ...ascii('7zXZ'), 0), advice: (p) => `xz-compressed: decompress it first (xz -dk ${basename(p)}) and give the file inside` },
  { matches: (h) => startsWith(...ascii('BZh'))(h) && /^[1-9]1AY&SY$/.test(h.subarray(3, 10).toString('latin1')), advice: (p) => `bzip2-compressed: decompress it first (bunzip2 -k ${basename(p)}) and give the file inside` },
  { matches: (h) => startsWith(0xff, 0xfe)(h) || startsWith(0xfe, 0xff)(h), advice: () => 'UTF-16 text: save it as UTF-8 (task files are UTF-8 JSON Lines or CSV)' },
  // Anything else with a NUL byte is no text file (UTF-16 without a BOM included).
  { matches: (h) => h.includes(0), advice: () => 'not a text file (it has NUL bytes): give a JSON Lines (.jsonl) or 4x4 Sudoku CSV task file' },
];

/** How many leading bytes foreignFileMessage looks at. */
export const SNIFF_BYTES = 8192;

/**
 * One line saying what `path` is and what to do, when its first bytes (`head`, up to SNIFF_BYTES)
 * show a format that is not a text task file; null when it may be text.
 */
export function foreignFileMessage(path: string, head: Buffer): string | null {
  const format = FORMATS.find((f) => f.matches(head));
  return format ? `${path} is ${format.advice(path)}` : null;
}
