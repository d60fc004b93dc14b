/**
 * JSON.parse with every number kept as the exact text BitPay wrote. BitPay sends amounts in
 * the smallest crypto unit, some above 2^53 (76700000000000000000 wei), and JSON.parse would
 * round them silently. Node 20 has no reviver source access, so numbers outside strings are
 * quoted before parsing: the result holds numbers as decimal strings, everything else as usual.
 */
export function parseJsonExactNumbers(text: string): unknown {
  return JSON.parse(quoteNumbers(text));
}

const numberStart = /[-0-9]/;
const numberToken = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function quoteNumbers(text: string): string {
  let quoted = '';
  let index = 0;
  let copiedUpTo = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '"') {
      index = endOfString(text, index);
      continue;
    }
    if (numberStart.test(character)) {
      numberToken.lastIndex = index;
      const match = numberToken.exec(text);
      // Not a JSON number: leave the text as is so JSON.parse reports the error.
      if (!match) return text;
      quoted += `${text.slice(copiedUpTo, index)}"${match[0]}"`;
      index += match[0].length;
      copiedUpTo = index;
      continue;
    }
    index += 1;
  }
  return quoted + text.slice(copiedUpTo);
}

/** The index just past the string starting at `start` (a double quote), escapes skipped. */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const character = text[index];
    if (character === '\\') index += 2;
    else if (character === '"') return index + 1;
    else index += 1;
  }
  return index;
}
