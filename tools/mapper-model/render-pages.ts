/**
 * Renders the plugin forms of sources.ts into static labelled pages, each
 * control wrapped the way that plugin's own PHP template wraps it, and
 * one page per translation (msgstr of the plugin's .po file) so the model
 * sees the languages we serve. Run once when sources.ts changes; the pages
 * are committed so training and the bench need no network:
 *
 *   PLUGIN_MIRRORS=/work/.mirror npx tsx tools/mapper-model/render-pages.ts
 *
 * PLUGIN_MIRRORS holds `owner+name/repo` git directories (only needed for
 * the translations).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SOURCES, type Source, type SpecField } from "./sources";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "pages");
const mirrors = process.env.PLUGIN_MIRRORS || "";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** msgid → msgstr of one .po file (single-line entries; enough for labels). */
function readPo(src: Source, path: string): Map<string, string> {
  const map = new Map<string, string>();
  const git = join(mirrors, src.repo.replace("/", "+"), "repo");
  if (!mirrors || !existsSync(git)) return map;
  const text = execFileSync("git", ["--git-dir", git, "show", `${src.commit}:${path}`], { encoding: "utf8", maxBuffer: 64 << 20 });
  // fuzzy entries are a translator's unchecked guesses ("Listing Category" → "Eintrag Titel"): skip them
  const re = /msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)*)"/;
  for (const block of text.split(/\n\s*\n/)) {
    if (/#, .*fuzzy/.test(block)) continue;
    const m = re.exec(block);
    if (m && m[1] && m[2] && !/%/.test(m[2])) map.set(m[1], m[2]);
  }
  return map;
}

function control(f: SpecField, style: Source["style"]): string {
  const [gold, , kind, name, id, placeholder = "", , options = []] = f;
  const lab = ` data-label="${gold}"`;
  const ph = placeholder ? ` placeholder="${esc(placeholder)}"` : "";
  const cls = style === "directorist" ? "directorist-form-element" : style === "geodir" ? "form-control" : style === "hivepress" ? "hp-field hp-field--" + kind : "input-text";
  if (kind === "textarea") return `<textarea name="${esc(name)}" id="${esc(id)}" class="${cls}" rows="5"${ph}${lab}></textarea>`;
  if (kind === "select" || kind === "select-multiple") {
    const opts = options.map((o, i) => `<option value="${i === 0 && /select|choose|--|all /i.test(o) ? "" : esc(o.toLowerCase())}">${esc(o)}</option>`).join("");
    return `<select name="${esc(name)}" id="${esc(id)}" class="${cls}"${kind === "select-multiple" ? " multiple" : ""}${placeholder ? ` data-placeholder="${esc(placeholder)}"` : ""}${lab}>${opts}</select>`;
  }
  return `<input type="${kind}" name="${esc(name)}" id="${esc(id)}" class="${cls}"${kind === "checkbox" ? ' value="1"' : ""}${ph}${lab}>`;
}

function field(f: SpecField, style: Source["style"], tr: (s: string) => string): string {
  const [, label, kind, , id, , help = ""] = f;
  const c = control(f, style);
  const L = esc(tr(label)),
    H = help ? esc(tr(help)) : "";
  switch (style) {
    case "wpjm":
      return `<fieldset class="fieldset-${id} fieldset-type-${kind}"><label for="${id}">${L}</label><div class="field">${c}${H ? `<small class="description">${H}</small>` : ""}</div></fieldset>`;
    case "bdp":
      if (kind === "checkbox") return `<div class="wpbdp-form-field wpbdp-form-field-type-checkbox">${c}<label for="${id}">${L}</label></div>`;
      return `<div class="wpbdp-form-field wpbdp-form-field-type-${kind === "textarea" ? "textarea" : "textfield"}"><div class="wpbdp-form-field-label"><label for="${id}">${L}</label></div><div class="wpbdp-form-field-html wpbdp-form-field-inner">${c}</div></div>`;
    case "geodir":
      if (kind === "checkbox")
        return `<div class="form-group row" data-argument="${id}"><div class="col-sm-10 offset-sm-2"><div class="form-check">${c}<label class="form-check-label" for="${id}">${L}</label></div>${H ? `<small class="form-text text-muted d-block">${H}</small>` : ""}</div></div>`;
      return `<div class="form-group row" data-argument="${id}"><label for="${id}" class="col-sm-2 col-form-label">${L}</label><div class="col-sm-10">${c}${H ? `<small class="form-text text-muted d-block">${H}</small>` : ""}</div></div>`;
    case "hivepress":
      if (kind === "checkbox") return `<div class="hp-form__field hp-form__field--checkbox"><label class="hp-field hp-field--checkbox">${c}<span>${L}</span></label></div>`;
      return `<div class="hp-form__field hp-form__field--${kind}"><label class="hp-field__label hp-form__label"><span>${L}</span></label>${c}${H ? `<div class="hp-field__description">${H}</div>` : ""}</div>`;
    case "directorist":
      if (kind === "checkbox") return `<div class="directorist-form-group directorist-checkbox">${c}<label class="directorist-checkbox__label" for="${id}">${L}</label></div>`;
      return `<div class="directorist-form-group directorist-form-${id}-field"><label for="${id}" class="directorist-form-label">${L}:</label>${c}${H ? `<div class="directorist-form-description">${H}</div>` : ""}</div>`;
    case "woocommerce":
      return `<p class="form-row form-row-wide" id="${id}_field"><label for="${id}">${L}&nbsp;<span class="optional">(optional)</span></label><span class="woocommerce-input-wrapper">${c}</span></p>`;
    case "connections":
      return `<div class="cn-metabox-field"><label for="${id}">${L}</label>${c}</div>`;
  }
}

function page(src: Source, lang: string, tr: (s: string) => string): string {
  const forms = src.forms
    .map((f) =>
      f.raw
        ? `<h2>${esc(tr(f.title))}</h2>\n${f.raw}`
        : `<h2>${esc(tr(f.title))}</h2>\n<form method="post" action="#">\n${f.fields.map((x) => field(x, src.style, tr)).join("\n")}\n<button type="submit">${esc(tr(f.submit))}</button>\n</form>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${esc(src.group)}</title>
<meta name="origin" content="https://github.com/${src.repo}/tree/${src.commit}">
<meta name="origin-paths" content="${esc(src.paths.join(" "))}">
<meta name="source-group" content="${esc(src.group)}">
</head><body>
<!-- Rendered by tools/mapper-model/render-pages.ts from the field definitions and templates named in origin-paths; data-label is our hand label. -->
${forms}
</body></html>
`;
}

mkdirSync(out, { recursive: true });
let n = 0;
for (const src of SOURCES) {
  writeFileSync(
    join(out, `${src.group}.en.html`),
    page(src, "en", (s) => s),
  );
  n++;
  for (const [lang, po] of Object.entries(src.translations ?? {})) {
    const map = readPo(src, po);
    if (!map.size) continue;
    const hits = [...src.forms.flatMap((f) => f.fields.map((x) => x[1]))].filter((l) => map.has(l)).length;
    // a page half in English is not a page in that language
    if (hits < 5) continue;
    writeFileSync(
      join(out, `${src.group}.${lang}.html`),
      page(src, lang, (s) => map.get(s) ?? s),
    );
    console.log(`${src.group}.${lang}: ${hits} labels translated`);
    n++;
  }
}
console.log(`${n} pages written to ${out}`);
