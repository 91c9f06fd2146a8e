/**
 * The one YAML editor: lossless, in-place edits of single scalars through the `yaml` package's CST.
 * Every byte that is not part of an edited scalar (comments, quoting, indentation, blank lines,
 * anchors, other documents, CRLF line endings) is written back exactly as it was read.
 */
import { Composer, CST, LineCounter, Parser, isScalar, parse as parseYamlValue } from 'yaml';
import type { Document, Scalar, YAMLMap } from 'yaml';

export interface YamlLimits {
  /** Largest file accepted, in bytes (GitOps manifests are small; a huge file is an error). */
  maxBytes: number;
  /** Most alias expansions accepted per document (guards against alias bombs). */
  maxAliasCount: number;
}

export const defaultYamlLimits: YamlLimits = { maxBytes: 1024 * 1024, maxAliasCount: 100 };

export class YamlFileError extends Error {
  override name = 'YamlFileError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
    within?: string,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}${within ? ` (in ${within})` : ''}: ${reason}`);
  }
}

type ScalarToken = CST.FlowScalar | CST.BlockScalar;

/** A scalar inside a block scalar (e.g. Argo CD `helm.values`) that is itself a YAML file. */
interface EmbeddedYaml {
  node: Scalar;
  inner: EditableYaml;
}

export class EditableYaml {
  readonly documents: Document.Parsed[];
  private readonly tokens: CST.Token[];
  private readonly lines: LineCounter;
  private readonly embedded: EmbeddedYaml[] = [];
  private edits = 0;

  private constructor(
    readonly file: string,
    readonly source: string,
    private readonly limits: YamlLimits,
    /** Line of this text's first line in the enclosing file (for YAML embedded in a scalar). */
    private readonly firstLine: number,
    /** Names the scalar this YAML is embedded in (e.g. `helm.values`), for error messages. */
    readonly within?: string,
  ) {
    const bytes = Buffer.byteLength(source, 'utf8');
    if (bytes > limits.maxBytes) {
      throw new YamlFileError(
        file,
        undefined,
        `${within ? 'embedded YAML' : 'file'} is ${bytes} bytes, over the ${limits.maxBytes}-byte limit for a GitOps manifest; split it or raise the limit`,
      );
    }
    this.lines = new LineCounter();
    this.tokens = Array.from(new Parser(this.lines.addNewLine).parse(source));
    this.documents = Array.from(new Composer({ keepSourceTokens: true }).compose(this.tokens));
    for (const document of this.documents) {
      const [error] = document.errors;
      if (error) throw new YamlFileError(file, this.lineOf(error.pos[0]), `invalid YAML: ${error.message.split('\n')[0]}`, within);
    }
    if (source.includes('*')) this.checkAliases();
  }

  static parse(source: string, file: string, limits: YamlLimits = defaultYamlLimits, firstLine = 1): EditableYaml {
    return new EditableYaml(file, source, limits, firstLine);
  }

  /** 1-based line of an offset in this text, counted in the enclosing file. */
  lineOf(offset: number): number {
    return this.lines.linePos(offset).line + this.firstLine - 1;
  }

  lineOfNode(node: { range?: [number, number, number] | null }): number {
    return this.lineOf(node.range?.[0] ?? 0);
  }

  get changed(): boolean {
    return this.edits > 0 || this.embedded.some((entry) => entry.inner.changed);
  }

  /** Sets a scalar's value in place, keeping its quoting style. Returns whether anything changed. */
  setScalar(node: Scalar, value: string): boolean {
    const token = node.srcToken as ScalarToken | undefined;
    if (!token) throw new YamlFileError(this.file, this.lineOfNode(node), 'value has no source position and cannot be edited in place');
    if (scalarText(node) === value) return false;
    if (token.type === 'block-scalar') {
      throw new YamlFileError(
        this.file,
        this.lineOfNode(node),
        `a block scalar (| or >) holds an image value; write it as a plain or quoted scalar`,
      );
    }
    if (token.type === 'double-quoted-scalar') {
      // Written as one escaped line (a JSON string is a valid YAML double-quoted scalar), so embedded
      // YAML with line breaks stays on its line instead of being folded over several.
      token.source = JSON.stringify(value);
    } else if (value.includes('\n')) {
      throw new YamlFileError(
        this.file,
        this.lineOfNode(node),
        'a value spanning lines is written as a plain or single-quoted scalar; use a literal block (|) or a double-quoted string',
        this.within,
      );
    } else {
      // A plain scalar that would read back as a number, boolean or null must be quoted to stay a string.
      const type = token.type === 'scalar' && typeof parseYamlValue(value) !== 'string' ? 'QUOTE_DOUBLE' : undefined;
      CST.setScalarValue(token, value, type ? { type } : {});
    }
    node.value = value;
    this.edits += 1;
    return true;
  }

  /**
   * Inserts `key: value` into a block map right after the entry `afterKey`, at the same indentation.
   * Used where a pin must gain a field it lacks (a Kustomize image without `digest`).
   */
  insertAfter(map: YAMLMap, afterKey: string, key: string, value: string): void {
    const token = map.srcToken as CST.BlockMap | CST.FlowCollection | undefined;
    if (!token || token.type !== 'block-map') {
      throw new YamlFileError(
        this.file,
        this.lineOfNode(map),
        `cannot add '${key}' to a flow map ({ … }); add '${key}:' by hand once, promotion then keeps it current`,
      );
    }
    const index = token.items.findIndex((item) => item.key && isScalarToken(item.key) && CST.resolveAsScalar(item.key)?.value === afterKey);
    const previous = token.items[index];
    if (!previous || !previous.value || !isScalarToken(previous.value)) {
      throw new YamlFileError(this.file, this.lineOfNode(map), `cannot find a scalar '${afterKey}' to add '${key}' after`);
    }
    const eol = this.source.includes('\r\n') ? '\r\n' : '\n';
    const end = (previous.value as CST.FlowScalar).end ?? [];
    if (!end.some((part) => part.type === 'newline')) end.push({ type: 'newline', offset: 0, indent: 0, source: eol });
    (previous.value as CST.FlowScalar).end = end;
    const newValue: CST.FlowScalar = {
      type: 'scalar',
      offset: 0,
      indent: token.indent,
      source: '',
      end: [{ type: 'newline', offset: 0, indent: 0, source: eol }],
    };
    CST.setScalarValue(newValue, value, { type: typeof parseYamlValue(value) !== 'string' ? 'QUOTE_DOUBLE' : 'PLAIN' });
    token.items.splice(index + 1, 0, {
      start: [{ type: 'space', offset: 0, indent: 0, source: ' '.repeat(token.indent) }],
      key: { type: 'scalar', offset: 0, indent: token.indent, source: key },
      sep: [
        { type: 'map-value-ind', offset: 0, indent: token.indent, source: ':' },
        { type: 'space', offset: 0, indent: token.indent, source: ' ' },
      ],
      value: newValue,
    });
    this.edits += 1;
  }

  /**
   * Opens a string scalar whose content is YAML (Argo CD `helm.values`) for editing.
   * Edits to the returned document are written back into the scalar line by line.
   */
  embeddedYaml(node: Scalar, label: string): EditableYaml {
    const existing = this.embedded.find((entry) => entry.node === node);
    if (existing) return existing.inner;
    const token = node.srcToken as ScalarToken | undefined;
    const blockStart = token?.type === 'block-scalar' ? this.lineOfNode(node) + 1 : this.lineOfNode(node);
    const inner = new EditableYaml(this.file, scalarText(node), this.limits, blockStart, label);
    this.embedded.push({ node, inner });
    return inner;
  }

  toString(): string {
    for (const { node, inner } of this.embedded) {
      if (inner.changed) this.writeEmbedded(node, inner.toString());
    }
    if (this.edits === 0) return this.source;
    return this.tokens.map((token) => CST.stringify(token)).join('');
  }

  private writeEmbedded(node: Scalar, text: string): void {
    const token = node.srcToken as ScalarToken;
    if (token.type !== 'block-scalar') {
      this.setScalar(node, text);
      return;
    }
    const header = (token.props.find((prop) => prop.type === 'block-scalar-header') as CST.SourceToken | undefined)?.source ?? '';
    const where = this.lineOfNode(node);
    if (!header.startsWith('|')) {
      throw new YamlFileError(
        this.file,
        where,
        `embedded YAML in a folded block scalar (${header}) cannot be edited line by line; use a literal block (|)`,
      );
    }
    const bodyLines = token.source.split('\n');
    const oldLines = scalarText(node).split('\n');
    const newLines = text.split('\n');
    if (oldLines.length !== newLines.length) {
      throw new YamlFileError(this.file, where, 'internal: an edit of embedded YAML changed its number of lines');
    }
    const indent = Math.min(...bodyLines.filter((line) => line.trim() !== '').map((line) => line.length - line.trimStart().length));
    for (let i = 0; i < oldLines.length; i += 1) {
      if (oldLines[i] === newLines[i]) continue;
      const bodyLine = bodyLines[i];
      if (bodyLine === undefined || bodyLine.replace(/\r$/, '').slice(indent) !== oldLines[i]) {
        throw new YamlFileError(
          this.file,
          where + i + 1,
          'embedded YAML line does not map onto the block scalar; rewrite the block without tabs or indentation indicators',
        );
      }
      bodyLines[i] = bodyLine.slice(0, indent) + (newLines[i] ?? '') + (bodyLine.endsWith('\r') ? '\r' : '');
    }
    token.source = bodyLines.join('\n');
    this.edits += 1;
  }

  private checkAliases(): void {
    for (const document of this.documents) {
      try {
        document.toJS({ maxAliasCount: this.limits.maxAliasCount });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new YamlFileError(
          this.file,
          this.lineOf(document.range[0]),
          `refusing a document whose aliases expand too far (${reason}); a YAML alias bomb?`,
          this.within,
        );
      }
    }
  }
}

function isScalarToken(token: CST.Token): token is ScalarToken {
  return (
    token.type === 'scalar' ||
    token.type === 'single-quoted-scalar' ||
    token.type === 'double-quoted-scalar' ||
    token.type === 'block-scalar'
  );
}

/** A scalar's value as text, as written (so `1.10` stays `1.10`, not the number 1.1). */
export function scalarText(node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  const token = node.srcToken as ScalarToken | undefined;
  if (token && token.type === 'scalar') return token.source;
  return String(node.value);
}

/** The scalar's text when the node is a scalar, else undefined. */
export function textOf(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null ? scalarText(node) : undefined;
}
