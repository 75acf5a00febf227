import { chromium } from "playwright-core";
const b = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox","--disable-gpu","--no-first-run","--disable-background-networking", ...(process.argv.slice(2))] });
for (let i = 0; i < 4; i++) {
  const ctx = await b.newContext(); const p = await ctx.newPage();
  p.on("pageerror", e => console.log("ERR", e.message));
  await p.goto("http://127.0.0.1:8123/page.html?server=ws://127.0.0.1:8188");
  const r = await (await p.waitForFunction(() => window.result, null, {timeout: 30000})).jsonValue();
  console.log(Object.entries(r).map(([k,v]) => `${k} ${v.toFixed(0)}`).join(", "));
  await ctx.close();
}
await b.close();
