/**
 * Carnet's own lint rules, loaded by oxlint as a JS plugin. They make the core's purity
 * mechanical (DESIGN.md §2): time and randomness come in as parameters, never from ambient calls.
 * `Date.now` and `Math.random` are refused by the built-in no-restricted-properties rule; what
 * that rule cannot express is here.
 */
import path from 'node:path';

const noAmbientDate = {
  meta: { type: 'problem', docs: { description: 'Refuses argument-less `new Date()` and `Date()` in src/core' } },
  create(context) {
    const report = (node) =>
      context.report({ node, message: 'src/core takes the time as a parameter: argument-less Date reads the wall clock.' });
    return {
      NewExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'Date' && node.arguments.length === 0) report(node);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'Date') report(node);
      },
    };
  },
};

/** A relative import from src/core must resolve inside src/core (no-restricted-imports matches text, not paths). */
const coreImportsStayInCore = {
  meta: { type: 'problem', docs: { description: 'Refuses relative imports that leave src/core' } },
  create(context) {
    const file = context.physicalFilename ?? context.filename;
    const core = path.resolve(path.dirname(file).split(`${path.sep}src${path.sep}core`)[0], 'src', 'core');
    const check = (node, source) => {
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      if (target !== core && !target.startsWith(core + path.sep))
        context.report({ node, message: `src/core may not import ${source}: it resolves outside src/core.` });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => check(node, node.source?.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => check(node, node.source.type === 'Literal' ? node.source.value : undefined),
    };
  },
};

export default {
  meta: { name: 'carnet' },
  rules: { 'no-ambient-date': noAmbientDate, 'core-imports-stay-in-core': coreImportsStayInCore },
};
