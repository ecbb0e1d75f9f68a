/**
 * `npm run proof:verify -- FILE.zip [--key URL|FILE]`: checks a proof pack
 * (docs/proof-packs.md) offline: both signatures, every file's size and
 * SHA-256 against the signed manifest, SHA256SUMS against the manifest, and
 * that the pack holds nothing else. `--key` names the published keys (the
 * JWK set at /.well-known/directorybolt-proof-keys.json, a saved copy of
 * it, or a PEM); without it the pack's own public-key.pem is used, which
 * proves the pack is whole and names the key id that signed it, to compare
 * with the published one. Exit 0 when every check holds, 1 when one fails,
 * 2 for a bad command line.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { parsePublicKeys, verifyProofPack, type ProofPublicJwk } from "../core/proof-pack";

function usage(message: string): never {
  console.error(`${message}\nusage: npm run proof:verify -- FILE.zip [--key URL|FILE]`);
  process.exit(2);
}

async function loadKeys(source: string): Promise<ProofPublicJwk[]> {
  const text = /^https?:\/\//.test(source) ? await (await fetch(source)).text() : await readFile(source, "utf8");
  const keys = parsePublicKeys(text);
  if (keys.length === 0) usage(`${source} holds no Ed25519 public key (a JWK set, a JWK or a PEM)`);
  return keys;
}

const { values, positionals } = parseArgs({ options: { key: { type: "string" } }, allowPositionals: true });
if (positionals.length !== 1) usage("name one proof pack");
const file = positionals[0]!;
const zip = new Uint8Array(await readFile(file).catch(() => usage(`cannot read ${file}`)));
const keys = values.key ? await loadKeys(values.key) : null;
const result = await verifyProofPack(zip, keys);
const m = result.manifest;
if (m) {
  console.log(`job        ${m.jobId}`);
  console.log(`business   ${m.businessName ?? "(none)"}, plan ${m.plan}, job ${m.jobStatus}`);
  console.log(`generated  ${m.generatedAt}`);
  console.log(
    `key        ${m.keyId}${result.keySource === "embedded" ? " (the pack's own public-key.pem: compare this id with the published keys, or pass --key)" : result.keySource === "given" ? " (one of the keys given)" : ""}`,
  );
  console.log(`files      ${result.filesChecked} of ${m.files.length} checked`);
}
if (result.ok) {
  console.log(`OK: ${file} is intact and signed by key ${m!.keyId}`);
} else {
  for (const problem of result.problems) console.error(`FAILED: ${problem}`);
  process.exit(1);
}
