/** What a tool call does, whatever the agent framework calls the tool. */
export type ToolKind = 'shell' | 'read' | 'edit' | 'write' | 'delete' | 'other';

export interface ToolUse {
  kind: ToolKind;
  /** The shell command, for shell calls (and for calls that carry one). */
  command: string | null;
  /** The file the call reads or changes, when it names one. */
  path: string | null;
  /** For edits: the text replaced and its replacement, when given. */
  oldText: string | null;
  newText: string | null;
}

const SHELL =
  /^(bash|shell|sh|terminal|run|run_command|execute_command|execute_bash|exec|cmd|run_shell_command|command|local_shell)$/i;
const READ = /^(read|read_file|view|view_file|open_file|open|cat|read_range|get_file|readfile)$/i;
const EDIT =
  /^(edit|multiedit|edit_file|str_replace|apply_patch|patch|write_fix|replace|insert|write_patch)$/i;
const WRITE = /^(write|write_file|create_file|create|writefile|notebookedit)$/i;
const DELETE = /^(delete|delete_file|remove_file|rm)$/i;

function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Classifies a call by its tool name and arguments (Claude Code, OpenHands, SWE-agent, generic). */
export function classifyTool(name: string, args: unknown): ToolUse {
  const a = (args && typeof args === 'object' ? args : {}) as Record<string, unknown>;
  const command = str(a.command) ?? str(a.cmd) ?? str(a.script);
  const path =
    str(a.file_path) ??
    str(a.path) ??
    str(a.filepath) ??
    str(a.filename) ??
    str(a.file) ??
    str(a.target_file);
  const oldText = str(a.old_string) ?? str(a.old_str) ?? str(a.old);
  const newText =
    str(a.new_string) ?? str(a.new_str) ?? str(a.content) ?? str(a.file_text) ?? str(a.new);
  const use = (kind: ToolKind): ToolUse => ({
    kind,
    command: kind === 'shell' ? command : null,
    path,
    oldText,
    newText,
  });

  const named = nameKind(name);
  if (named === 'editor') {
    const sub = command ?? '';
    if (sub === 'view') return use('read');
    if (sub === 'create') return use('write');
    return use('edit');
  }
  if (
    named === 'shell' ||
    (command !== null && named !== 'read' && named !== 'edit' && named !== 'write')
  ) {
    return { kind: 'shell', command: command ?? '', path: null, oldText: null, newText: null };
  }
  return use(named);
}

type NameKind = ToolKind | 'editor';

/** What a tool's name alone says it does: the first of the name patterns that matches. */
function classifyName(name: string): NameKind {
  if (/^str_replace_editor$|^text_editor/i.test(name)) return 'editor';
  if (SHELL.test(name)) return 'shell';
  if (READ.test(name)) return 'read';
  if (EDIT.test(name)) return 'edit';
  if (WRITE.test(name)) return 'write';
  if (DELETE.test(name)) return 'delete';
  return 'other';
}

// A session calls a few tools many times: each name is matched against the patterns once.
const NAME_KINDS = new Map<string, NameKind>();
const NAME_KINDS_MAX = 512;

function nameKind(name: string): NameKind {
  let kind = NAME_KINDS.get(name);
  if (kind === undefined) {
    if (NAME_KINDS.size >= NAME_KINDS_MAX) NAME_KINDS.clear();
    kind = classifyName(name);
    NAME_KINDS.set(name, kind);
  }
  return kind;
}

const TEST_COMMAND =
  /\b(pytest|py\.test|python3? -m (pytest|unittest)|(npm|yarn|pnpm|bun) (run )?test|npx (jest|vitest|mocha)|jest|vitest|mocha|go test|cargo test|mvn\b.*\btest|gradlew? .*test|rspec|phpunit|tox|nox|make (test|check)|ctest|dotnet test|run_tests?\b|defects4j test)/;

// The window and the rules ask about the same result several times: the latest answer is kept.
let lastToolName = '';
let lastCommand: string | null = null;
let lastIsTestRun = false;

export function isTestRun(toolName: string, command: string | null): boolean {
  if (toolName === lastToolName && command === lastCommand) return lastIsTestRun;
  lastToolName = toolName;
  lastCommand = command;
  lastIsTestRun =
    (command !== null && command !== '' && TEST_COMMAND.test(command)) ||
    (/(^|_)(run_)?tests?(_|$)/i.test(toolName) && !/extract|read|write/i.test(toolName));
  return lastIsTestRun;
}

const TEST_PATH =
  /(^|\/)(tests?|__tests__|spec|specs)\/|(_test|\.test|\.spec|Tests?)\.[a-z]+$|(^|\/)test_[^/]+\.py$/;

export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/** Paths a shell command writes or deletes, for the common forms (`rm`, `sed -i`, redirection, `mv`). */
export function pathsChangedByCommand(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/\b(?:rm|unlink)\s+(?:-\w+\s+)*([^\s;&|]+)/g)) out.push(m[1]);
  for (const m of command.matchAll(/\bsed\s+-i\S*\s+(?:'[^']*'|"[^"]*"|\S+)\s+([^\s;&|]+)/g))
    out.push(m[1]);
  for (const m of command.matchAll(/(?:^|[^>])>{1,2}\s*([^\s;&|>]+)/g))
    if (!m[1].startsWith('/dev/')) out.push(m[1]);
  for (const m of command.matchAll(/\btouch\s+([^\s;&|]+)/g)) out.push(m[1]);
  return out;
}

/** Paths a shell command removes (`rm`, `unlink`). */
export function pathsRemovedByCommand(command: string): string[] {
  return [...command.matchAll(/\b(?:rm|unlink)\s+(?:-\w+\s+)*([^\s;&|]+)/g)].map((m) => m[1]);
}

/** Paths a shell command creates afresh (`touch`, `>` redirection, `cp`/`mv` targets aside). */
export function pathsCreatedByCommand(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/\btouch\s+([^\s;&|]+)/g)) out.push(m[1]);
  for (const m of command.matchAll(/(?:^|[^>])>\s*([^\s;&|>]+)/g))
    if (!m[1].startsWith('/dev/')) out.push(m[1]);
  return out;
}
