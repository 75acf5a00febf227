// The code snippets of README.md, which the tests run as they stand there
// (this one's Node snippet, web/test/browser's browser snippet).

import assert from "node:assert/strict";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const readmePath = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "README.md");

/**
 * Returns the code of the README's snippet marked with
 * <!-- snippet:NAME --> (the fenced block that follows the marker).
 */
export async function readmeSnippet(name) {
  const readme = await fs.readFile(readmePath, "utf8");
  const marker = `<!-- snippet:${name} -->`;
  const at = readme.indexOf(marker);
  assert.ok(at >= 0, `README.md has no ${marker}`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(readme.slice(at));
  assert.ok(m, `no code block after ${marker}`);
  return m[1];
}
