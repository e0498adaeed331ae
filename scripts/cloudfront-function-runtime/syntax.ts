/**
 * Holds a CloudFront Function's source to the JavaScript that runtime 2.0 documents, by parsing it with acorn and
 * walking the tree. The runtime page says it lists "all supported features": ES 5.1, plus `const`/`let`,
 * `async`/`await`, template literals, arrow functions, rest parameters, `**`, numeric separators, named capture
 * groups and the sticky flag; "async arguments and closures are not supported" (no `f(await x)`, no async function
 * expressions or arrows). Anything else (spread, destructuring, classes, `?.`, `??`, generators, `for...of`, default
 * parameters, shorthand or computed object keys, ...) is refused with its node type and line.
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/functions-javascript-runtime-20.html
 */
import { parse } from "acorn";
import { CloudFrontFunctionError } from "./errors";

interface AstNode {
  type: string;
  start: number;
  end: number;
  loc: { start: { line: number } };
  [key: string]: unknown;
}

/** What the loader needs to know about a function that passed the checks. */
export interface CheckedSource {
  /** The `import <local> from 'cloudfront'` declaration, if any (the loader binds `local` itself). */
  cloudfrontImport?: { local: string; start: number; end: number };
}

/** The modules `require` may load: the ones runtime 2.0 documents as loaded with `require(...)`. */
export const REQUIRABLE = ["crypto", "querystring"] as const;

// ES 5.1 statements and expressions, plus the later ones the runtime 2.0 page lists.
const ALLOWED = new Set(
  (
    "Program ExpressionStatement BlockStatement EmptyStatement ReturnStatement LabeledStatement BreakStatement " +
    "ContinueStatement IfStatement SwitchStatement SwitchCase ThrowStatement TryStatement CatchClause WhileStatement " +
    "DoWhileStatement ForStatement ForInStatement FunctionDeclaration VariableDeclaration VariableDeclarator " +
    "ThisExpression ArrayExpression ObjectExpression Property FunctionExpression ArrowFunctionExpression " +
    "UnaryExpression UpdateExpression BinaryExpression AssignmentExpression LogicalExpression MemberExpression " +
    "ConditionalExpression CallExpression NewExpression SequenceExpression TemplateLiteral TemplateElement " +
    "AwaitExpression Identifier Literal RestElement ImportDeclaration ImportDefaultSpecifier"
  ).split(" "),
);

const LABELS: Record<string, string> = {
  SpreadElement: "spread syntax (...)",
  ObjectPattern: "destructuring",
  ArrayPattern: "destructuring",
  AssignmentPattern: "default values",
  ClassDeclaration: "classes",
  ClassExpression: "classes",
  ChainExpression: "optional chaining (?.)",
  ForOfStatement: "for...of",
  YieldExpression: "generators",
  TaggedTemplateExpression: "tagged templates",
  MetaProperty: "new.target / import.meta",
  ImportExpression: "dynamic import()",
  DebuggerStatement: "the debugger statement",
};

const refuse = (node: AstNode, what: string) =>
  new CloudFrontFunctionError("unsupported-syntax", `${what} (${node.type}) is not a documented cloudfront-js-2.0 feature`, node.loc.start.line);

function parseModule(code: string): AstNode {
  try {
    // A module, as the documented `import cf from 'cloudfront'` needs; that also makes it strict, as the runtime is.
    return parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true }) as unknown as AstNode;
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number } };
    throw new CloudFrontFunctionError("syntax", e.message, e.loc?.line);
  }
}

const isNode = (v: unknown): v is AstNode => typeof v === "object" && v !== null && typeof (v as AstNode).type === "string";
const isFunction = (n: AstNode) => n.type === "FunctionDeclaration" || n.type === "FunctionExpression" || n.type === "ArrowFunctionExpression";

/** Where a node sits: in which kind of function, and whether inside a call's arguments there. */
interface Scope {
  async: boolean;
  inArguments: boolean;
}

/** One node's own rules (its children are walked by `walk`). */
function checkNode(node: AstNode, parent: AstNode | undefined, scope: Scope): void {
  if (!ALLOWED.has(node.type)) throw refuse(node, LABELS[node.type] ?? "this syntax");
  if (isFunction(node)) {
    if (node.generator) throw refuse(node, "generators");
    // "async arguments and closures are not supported": only top-level async function declarations.
    if (node.async && !(node.type === "FunctionDeclaration" && parent?.type === "Program")) throw refuse(node, "async closures");
  }
  if (node.type === "AwaitExpression" && !scope.async) throw refuse(node, "await outside an async function");
  // "async arguments ... are not supported": njs says "await in arguments not supported" for f(await x).
  if (node.type === "AwaitExpression" && scope.inArguments) throw refuse(node, "await inside call arguments");
  if (node.type === "Property" && (node.method || node.shorthand || node.computed)) {
    throw refuse(node, node.method ? "method shorthand" : node.shorthand ? "shorthand properties" : "computed property keys");
  }
  if (node.type === "LogicalExpression" && node.operator === "??") throw refuse(node, "nullish coalescing (??)");
  if (node.type === "AssignmentExpression" && ["&&=", "||=", "??="].includes(node.operator as string)) throw refuse(node, "logical assignment");
  if (node.type === "CatchClause" && node.param === null) throw refuse(node, "catch without a binding");
  if (node.type === "Literal") {
    if (node.bigint !== undefined) throw refuse(node, "BigInt literals");
    const regex = node.regex as { flags: string } | undefined;
    if (regex && /[^gimy]/.test(regex.flags)) throw refuse(node, `the regular expression flags "${regex.flags}"`);
  }
  if (node.type === "ImportDeclaration") {
    const [spec, ...more] = node.specifiers as AstNode[];
    const source = (node.source as AstNode).value;
    if (source !== "cloudfront" || spec?.type !== "ImportDefaultSpecifier" || more.length > 0) {
      throw new CloudFrontFunctionError("module", `only "import cf from 'cloudfront'" is supported, not an import of "${String(source)}"`, node.loc.start.line);
    }
  }
  if (node.type === "CallExpression" || node.type === "NewExpression") checkCallee(node);
}

function checkCallee(node: AstNode): void {
  const callee = node.callee as AstNode;
  const line = node.loc.start.line;
  if (callee.type === "Identifier" && callee.name === "Function") {
    throw new CloudFrontFunctionError("dynamic-code", "the Function constructor throws in CloudFront Functions", line);
  }
  const prop = callee.type === "MemberExpression" ? (callee.property as AstNode) : undefined;
  if (prop && (prop.name === "constructor" || prop.value === "constructor")) {
    throw new CloudFrontFunctionError("dynamic-code", "calling a .constructor can reach the Function constructor", line);
  }
  if (callee.type === "Identifier" && callee.name === "require") {
    const [arg, ...rest] = node.arguments as AstNode[];
    const name = arg?.type === "Literal" ? arg.value : undefined;
    if (node.type !== "CallExpression" || rest.length > 0 || !REQUIRABLE.includes(name as never)) {
      const what = typeof name === "string" ? `"${name}"` : "a computed name";
      throw new CloudFrontFunctionError("module", `require(${what}): only ${REQUIRABLE.map((m) => `require('${m}')`).join(" and ")} exist`, line);
    }
  }
}

/** Identifiers that are names, not references: property keys, member names, labels. */
function referenceChildren(node: AstNode): unknown[] {
  switch (node.type) {
    case "MemberExpression":
      return node.computed ? [node.object, node.property] : [node.object];
    case "Property":
      return node.computed ? [node.key, node.value] : [node.value];
    case "LabeledStatement":
      return [node.body];
    case "BreakStatement":
    case "ContinueStatement":
      return [];
    case "CallExpression":
      // An allowed `require('crypto')` was checked as a whole.
      return (node.callee as AstNode).type === "Identifier" && (node.callee as AstNode).name === "require"
        ? (node.arguments as unknown[])
        : [node.callee, ...(node.arguments as unknown[])];
    default:
      return Object.entries(node)
        .filter(([k]) => k !== "loc")
        .map(([, v]) => v);
  }
}

function walk(node: AstNode, parent: AstNode | undefined, scope: Scope): void {
  checkNode(node, parent, scope);
  if (node.type === "Identifier" && node.name === "eval") {
    throw new CloudFrontFunctionError("dynamic-code", "eval() throws in CloudFront Functions", node.loc.start.line);
  }
  if (node.type === "Identifier" && node.name === "require") {
    throw new CloudFrontFunctionError("module", "require may only be called directly with a module name", node.loc.start.line);
  }
  const inner = isFunction(node) ? { async: node.async === true, inArguments: false } : scope;
  const args = node.type === "CallExpression" || node.type === "NewExpression" ? (node.arguments as unknown[]) : [];
  for (const child of referenceChildren(node)) {
    const childScope = args.includes(child) || child === node.arguments ? { ...inner, inArguments: true } : inner;
    for (const c of Array.isArray(child) ? child : [child]) if (isNode(c)) walk(c, node, childScope);
  }
}

/**
 * Parses `code` and refuses, with a `CloudFrontFunctionError` naming the line, anything runtime 2.0 does not
 * document: syntax beyond its feature list, `eval`/`Function` (which "throw an error if attempted"), modules other
 * than `require('crypto')`, `require('querystring')` and `import cf from 'cloudfront'`, `export`, and code without a
 * top-level `function handler(event)`.
 */
export function checkSource(code: string): CheckedSource {
  const program = parseModule(code);
  const body = program.body as AstNode[];
  const exported = body.find((s) => s.type.startsWith("Export"));
  if (exported) throw new CloudFrontFunctionError("export", "a function is plain code with a top-level handler; export is not supported", exported.loc.start.line);
  walk(program, undefined, { async: false, inArguments: false });
  const handler = body.find((s) => s.type === "FunctionDeclaration" && (s.id as AstNode).name === "handler");
  if (!handler) throw new CloudFrontFunctionError("no-handler", "no top-level `function handler(event)` declaration");
  const imports = body.filter((s) => s.type === "ImportDeclaration");
  if (imports.length > 1) throw new CloudFrontFunctionError("module", "import the cloudfront module once", imports[1]?.loc.start.line);
  const decl = imports[0];
  if (!decl) return {};
  const local = ((decl.specifiers as AstNode[])[0]?.local as AstNode).name as string;
  return { cloudfrontImport: { local, start: decl.start, end: decl.end } };
}
