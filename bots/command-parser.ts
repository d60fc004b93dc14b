import type { CommandDefinition, CommandInvocation } from './command-types.js';

/** Splits on spaces, keeping "quoted words" together. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(match[1] ?? match[2] ?? match[3] ?? '');
  return words;
}

/**
 * `/subscribe pro card` or `/admin@shopbot grant @bob pro 30` -> an invocation with
 * arguments by name, in the order the definition lists them. Extra words join the last
 * argument, so a plan name may contain spaces. Undefined when the text is not a command.
 */
export function parseCommandText(
  text: string,
  definitions: readonly CommandDefinition[],
): CommandInvocation | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) return undefined;
  const [head = '', ...rest] = splitWords(trimmed.slice(1));
  const name = head.split('@')[0]!.toLowerCase();
  if (!name) return undefined;
  const definition = definitions.find((candidate) => candidate.name === name);
  if (!definition) return { name, args: { text: rest.join(' ') || undefined } };
  let words = rest;
  let subcommand: string | undefined;
  let argumentList = definition.arguments;
  if (definition.subcommands) {
    subcommand = words[0]?.toLowerCase();
    words = words.slice(1);
    argumentList = definition.subcommands.find((candidate) => candidate.name === subcommand)?.arguments ?? [];
  }
  const args: Record<string, string | undefined> = {};
  argumentList.forEach((argument, index) => {
    const isLast = index === argumentList.length - 1;
    const value = isLast ? words.slice(index).join(' ') : words[index];
    if (value) args[argument.name] = value;
  });
  return { name, subcommand, args };
}
