// Compiled (never run) with tsconfig.node-types.json: what Node's own types
// (@types/node) add, such as AbortSignal, fits the declarations.
import { load } from "gojanus";

export async function withSignal(url: string): Promise<void> {
  const api = await load(new URL("./gojanus.wasm", import.meta.url));
  const client = await api.connect(url, { signal: AbortSignal.timeout(5000) });
  console.log((await client.info({ signal: AbortSignal.timeout(1000) })).version_string);
  client.addEventListener("state", (ev) => console.log(ev.detail.state));
  await client.close();
}
