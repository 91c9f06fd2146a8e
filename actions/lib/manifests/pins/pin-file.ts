/**
 * One YAML text being searched for pins: the sites found so far, and what every pin style needs to
 * read its nodes (lines, map entries) and write them safely (no shared anchors, chart revisions).
 */
import { isAlias, isMap, isPair, isScalar, visit } from 'yaml';
import type { Alias, Node, Pair, Scalar, YAMLMap } from 'yaml';
import { YamlFileError, textOf } from '../yaml-edit.ts';
import type { EditableYaml } from '../yaml-edit.ts';
import { parameterExpression } from './generator-parameters.ts';
import type { Pin, PinSite, PinStyle, SourceContext } from './pin-types.ts';

/** A map's own entry for a key (merge keys not followed). */
export function entry(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isPair(pair) && textOf(pair.key) === key) as Pair | undefined;
}

/** The value of a key of a node that is a map, else undefined. */
export function child(map: unknown, key: string): unknown {
  return isMap(map) ? entry(map, key)?.value : undefined;
}

/** Sets the chart revision on the Argo CD source holding a pin (nothing outside a source). */
export type ChartRevisionSetter = (revision: string | undefined) => { changed: boolean; set: boolean };

export class PinFile {
  readonly sites: PinSite[] = [];
  /** Every alias of the text and the node it stands for, each resolved in its own document (read when first needed). */
  private aliasTargets: Map<Alias, unknown> | undefined;
  /** Maps merged into other maps with `<<`, and the maps that merge them. */
  readonly mergedInto = new Map<YAMLMap, YAMLMap[]>();

  constructor(readonly yaml: EditableYaml) {}

  /** The node an alias stands for, resolved in the document that holds the alias. */
  resolveAlias(alias: Alias): unknown {
    if (!this.aliasTargets) {
      const targets = new Map<Alias, unknown>();
      for (const document of this.yaml.documents) {
        visit(document, { Alias: (_key, node) => void targets.set(node, node.resolve(document)) });
      }
      this.aliasTargets = targets;
    }
    return this.aliasTargets.get(alias);
  }

  line(node: unknown): number {
    return this.yaml.lineOfNode(node as Node);
  }

  fail(node: unknown, reason: string): never {
    throw new YamlFileError(this.yaml.file, this.line(node), reason, this.yaml.within);
  }

  /** A value that promotion writes must be a scalar of its own, never an alias shared with other places. */
  writable(node: unknown, what: string): Scalar | undefined {
    if (node === undefined || node === null) return undefined;
    if (isAlias(node))
      this.fail(
        node,
        `${what} is an alias (*${node.source}); promotion would also change every other use of that anchor — pin the value directly`,
      );
    if (!isScalar(node)) this.fail(node, `${what} must be a scalar`);
    if (node.anchor && this.aliased(node))
      this.fail(
        node,
        `${what} carries the anchor &${node.anchor}, used elsewhere as *${node.anchor}; promotion would change those places too — pin the value directly`,
      );
    return node;
  }

  private aliased(node: Scalar): boolean {
    return this.yaml.documents.some((document) => {
      let found = false;
      visit(document, {
        Alias: (_key, alias) => {
          if (alias.source === node.anchor && alias.resolve(document) === node) found = true;
          return found ? visit.BREAK : undefined;
        },
      });
      return found;
    });
  }

  /** What every pin reads as, whatever its style: file, line, repository, and its Argo CD source. */
  base(node: unknown, style: PinStyle, repository: string, context: SourceContext | undefined): Pin {
    const chartRevision = context ? textOf(child(context.source, 'targetRevision')) : undefined;
    return {
      file: this.yaml.file,
      line: this.line(node),
      style,
      repository,
      ...(chartRevision === undefined ? {} : { chartRevision }),
      ...(context?.application === undefined ? {} : { application: context.application }),
    };
  }

  chartSetter(context: SourceContext | undefined): ChartRevisionSetter {
    return (revision) => {
      if (revision === undefined || !context || context.writeBack) return { changed: false, set: false };
      const node = this.writable(child(context.source, 'targetRevision'), 'targetRevision');
      const expression = parameterExpression(textOf(node));
      if (node && expression !== undefined)
        this.fail(
          node,
          `ApplicationSet ${context.applicationSet ?? ''}: targetRevision comes from the generator parameter ${expression}; ` +
            `promotion cannot set the chart revision ${revision} here — drop chart.revision from the release, or pin the revision in the template`,
        );
      if (!node)
        this.fail(context.source, `the Argo CD source holding this image has no targetRevision to set the chart revision ${revision} on`);
      return { changed: this.yaml.setScalar(node, revision), set: true };
    };
  }
}
