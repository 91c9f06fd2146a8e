/**
 * Parses a YAML file into its documents without letting a hostile file hang or exhaust the
 * validator: aliases are bounded (a "billion laughs" file is a finding) and so is the file size.
 * Also one YAML document whose nodes' lines a parser of an input file names in its errors.
 */
import { LineCounter, parseAllDocuments, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import type { Finding } from './finding.ts';

export interface YamlDocument {
  index: number;
  /** The document as plain data (null for an empty document). */
  value: unknown;
  /** 1-based line where the document starts. */
  line: number;
}

export interface ParsedYaml {
  documents: YamlDocument[];
  findings: Finding[];
}

export const yamlLimits = {
  /** Most alias (*ref) expansions one document may make. */
  maxAliasCount: 100,
  /** Largest file read, in bytes. */
  maxBytes: 2 * 1024 * 1024,
};

export function parseYaml(file: string, text: string, limits = yamlLimits): ParsedYaml {
  if (Buffer.byteLength(text) > limits.maxBytes) {
    return {
      documents: [],
      findings: [
        { file, field: '', rule: 'yaml', message: `file is larger than ${limits.maxBytes} bytes`, fix: 'split it into smaller files' },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const findings: Finding[] = [];
  const documents: YamlDocument[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // A stream of comments only is an EmptyStream: no documents, perhaps stream-level errors.
  if ('empty' in parsed) {
    for (const error of parsed.errors) findings.push(yamlError(file, undefined, error.message, error.pos[0], lineCounter));
  }
  const list = [...parsed];
  list.forEach((document, index) => {
    const line = lineCounter.linePos(document.range[0]).line;
    if (document.errors.length > 0) {
      for (const error of document.errors) findings.push(yamlError(file, index, error.message, error.pos[0], lineCounter));
      return;
    }
    try {
      documents.push({ index, line, value: document.toJS({ maxAliasCount: limits.maxAliasCount }) });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      findings.push({
        file,
        document: index,
        field: '',
        rule: 'yaml-aliases',
        message: `aliases expand too far (more than ${limits.maxAliasCount} alias expansions; a YAML bomb?): ${firstLine(message)}`,
        fix: 'write the values out instead of nesting aliases',
      });
    }
  });
  return { documents, findings };
}

function yamlError(file: string, document: number | undefined, message: string, offset: number, lines: LineCounter): Finding {
  const { line, col } = lines.linePos(offset);
  const finding: Finding = {
    file,
    field: '',
    rule: 'yaml',
    message: `line ${line}, column ${col}: ${firstLine(message)}`,
    fix: 'fix the YAML syntax',
  };
  if (document !== undefined) finding.document = document;
  return finding;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}

/** One document and the 1-based line a node of it starts on; `error`: the first syntax error's first line, and its line. */
export type LinedDocument =
  { document: Document.Parsed; lineOf: (node: YamlNode | null | undefined) => number | undefined } | { error: string; line?: number };

/** Parses `text` as one YAML document (keys unique), keeping the lines of its nodes for error messages. */
export function parseLinedDocument(text: string): LinedDocument {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true });
  const first = document.errors[0];
  if (first) return { error: firstLine(first.message), ...(first.linePos ? { line: first.linePos[0].line } : {}) };
  return { document, lineOf: (node) => (node?.range ? lineCounter.linePos(node.range[0]).line : undefined) };
}
