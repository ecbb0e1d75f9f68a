/**
 * Visibility and honeypot detection. `assessVisibility` runs IN THE PAGE
 * (self-contained, serialized with toString()); `honeypotVerdict` is a pure
 * function that also runs in the page and in Node tests.
 *
 * A honeypot is a control hidden on purpose from people but left for bots:
 * hidden by CSS, pushed off-screen, shrunk to nothing, or taken out of the
 * tab order and the accessibility tree. Hidden wizard steps and closed
 * modals are also invisible but hide many controls at once, so the number
 * of controls under the hiding element tells them apart.
 */
import type { DomElement, PageGlobals } from "./dom";
import type { FieldSignals, VisibilityInfo } from "./types";

export function assessVisibility(el: DomElement): VisibilityInfo {
  const window = globalThis as unknown as PageGlobals;
  const document = window.document;
  const getComputedStyle = (e: DomElement) => window.getComputedStyle(e);
  const CONTROL_SEL = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]):not([type=reset]), select, textarea";
  const info = {
    visible: true,
    hiddenBy: "",
    hiddenPeers: 0,
    tabindexNegative: (el.getAttribute("tabindex") || "").trim().startsWith("-"),
    ariaHidden: false,
    hiddenSelf: false,
    hiderWords: "",
  };
  // aria-hidden counts only close to the control: a modal's inert
  // background hides whole forms, which is not a trap.
  const ah = el.closest('[aria-hidden="true"]');
  info.ariaHidden = !!ah && ah.querySelectorAll(CONTROL_SEL).length + (ah.matches(CONTROL_SEL) ? 1 : 0) <= 2;
  const peers = (e: DomElement) => e.querySelectorAll(CONTROL_SEL).length + (e.matches(CONTROL_SEL) ? 1 : 0);
  const hide = (how: string, by: DomElement) => {
    info.visible = false;
    info.hiddenBy = how;
    info.hiddenPeers = peers(by);
    info.hiddenSelf = by === el;
    info.hiderWords = by === el ? "" : ((by.getAttribute("id") || "") + " " + (by.getAttribute("class") || "")).slice(0, 120);
    return info;
  };

  // Walk up once: display/visibility/opacity/clip are inherited or clip the
  // subtree; record the OUTERMOST element that hides us for peer counting.
  let hiddenAt: DomElement | null = null;
  let how = "";
  for (let e: DomElement | null = el; e && e !== document.documentElement; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.display === "none") {
      hiddenAt = e;
      how = "display";
    } else if (cs.visibility === "hidden" || cs.visibility === "collapse") {
      if (!hiddenAt || how !== "display") {
        hiddenAt = e;
        how = "visibility";
      }
    } else if (parseFloat(cs.opacity) < 0.05) {
      if (!hiddenAt) {
        hiddenAt = e;
        how = "opacity";
      }
    } else if ((cs.clip && cs.clip !== "auto" && /rect\(\s*0(px)?[ ,]+0(px)?[ ,]+0(px)?[ ,]+0(px)?\s*\)|rect\(\s*1px[ ,]+1px/.test(cs.clip)) || /inset\(\s*(50%|100%)/.test(cs.clipPath)) {
      if (!hiddenAt) {
        hiddenAt = e;
        how = "clip";
      }
    }
  }
  if (hiddenAt) return hide(how, hiddenAt);

  const r = el.getBoundingClientRect();
  if (r.width < 2 || r.height < 2) {
    // zero-size control: look for a tiny/overflow-hidden wrapper
    let by: DomElement = el;
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const rr = e.getBoundingClientRect();
      if (rr.width >= 2 && rr.height >= 2) break;
      by = e;
    }
    return hide("size", by);
  }
  // Off-screen: far outside the document (left:-9999px, top:-5000px).
  const docW = Math.max(document.documentElement.scrollWidth || 0, window.innerWidth);
  const docH = Math.max(document.documentElement.scrollHeight || 0, window.innerHeight);
  if (r.right + window.scrollX < 0 || r.bottom + window.scrollY < 0 || r.left + window.scrollX > docW + 50 || r.top + window.scrollY > docH + 50) {
    let by: DomElement = el;
    for (let e = el.parentElement; e && e !== document.body; e = e.parentElement) {
      const rr = e.getBoundingClientRect();
      if (rr.right + window.scrollX >= 0 && rr.bottom + window.scrollY >= 0 && rr.left + window.scrollX <= docW) break;
      by = e;
    }
    return hide("offscreen", by);
  }
  // An ancestor with overflow hidden and (almost) no size hides us too.
  for (let e = el.parentElement, i = 0; e && e !== document.body && i < 4; e = e.parentElement, i++) {
    const rr = e.getBoundingClientRect();
    if (rr.width < 2 || rr.height < 2) {
      const cs = getComputedStyle(e);
      if (cs.overflow === "hidden" || cs.overflowX === "hidden" || cs.overflowY === "hidden") return hide("size", e);
    }
  }
  return info;
}

export interface HoneypotContext {
  /** visible controls in the same form: a hidden control in a form nobody can see is dormant */
  formVisibleControls: number;
  /** text-like controls of the form hidden (display/visibility) one or two
   * at a time: many means collapsed sections, not traps */
  hiddenSingles: number;
  /** the class the scorer gave the control (captcha responses are hidden by
   * design; "unknown" when its own evidence is weak) */
  cls: string;
  /** "confirm / re-enter / repeat" wording: the hidden half of a confirmation pair */
  confirmLike: boolean;
  /** a visible control of the same form already has this control's class */
  duplicatesVisible: boolean;
  /** visible controls of the form with tabindex=-1 and aria-hidden */
  a11yHidden: number;
  /** a native select hidden behind a visible custom widget */
  widgetBeside: boolean;
}

/**
 * Is this control a trap? Pure function of what the page said. Evidence
 * adds up: deliberate visual hiding (off-screen, clipped, transparent,
 * zero-size) says more than display:none, which conditional fields ("State"
 * appears once a country is chosen) use as well; tabindex=-1 and
 * autocomplete=off are the usual honeypot dress; a hidden copy of a field
 * the form already shows is a classic trap; selects, passwords, checkboxes
 * and file inputs are almost never traps.
 */
export function honeypotVerdict(sig: FieldSignals, vis: VisibilityInfo, ctx: HoneypotContext, honeypotWords: RegExp): boolean {
  const own = (sig.name + " " + sig.id + " " + sig.classes).toLowerCase().replace(/[^a-z0-9]+/g, " ");
  const ownText = (sig.label + " " + sig.placeholder + " " + sig.ariaLabel).toLowerCase();
  const LEAVE_BLANK =
    /leave (this |it )?(field )?(blank|empty)|do not fill|don t fill|nicht ausf[uü]llen|leer lassen|laisser vide|laissez ce champ vide|dejar en blanco|deje (este campo )?(en blanco|vac[ií]o)|lasciare vuoto|lascia (vuoto|questo campo vuoto)|niet invullen|leeg laten|deixe em branco|deixar em branco|if you are (a )?human|humans? (should|must) not/;
  const saysLeaveBlank = LEAVE_BLANK.test(ownText + " " + sig.nearby.toLowerCase());
  const hider = vis.hiderWords.toLowerCase().replace(/[^a-z0-9]+/g, " ");
  const namedTrap = honeypotWords.test(own) || saysLeaveBlank || honeypotWords.test(hider) || /validation container/.test(hider);
  const isChoice = sig.inputType === "checkbox" || sig.inputType === "radio";
  const rarelyTrap = isChoice || sig.tag === "select" || /^(password|file|combobox|listbox)$/.test(sig.inputType) || ctx.cls === "captcha";

  if (vis.visible) {
    // Announced as a trap ("leave this field blank"; nearby text may belong
    // to a neighbour, so for non-text controls only their own label counts)...
    if (saysLeaveBlank && (!rarelyTrap || LEAVE_BLANK.test(ownText))) return true;
    // ...or taken out of both the tab order and the accessibility tree.
    // Several such controls, or a real autocomplete token, make an autofill
    // proxy (inputs that catch the browser's autofill), not a trap.
    return (
      vis.tabindexNegative &&
      vis.ariaHidden &&
      !rarelyTrap &&
      ctx.a11yHidden <= 2 &&
      !/^(cc-|given-name|family-name|email|tel|street|address|postal|country|name$|username|organization)/.test(sig.autocomplete)
    );
  }
  // Custom-styled checkboxes/radios and file inputs hide the native control
  // behind a visible label or button; native selects hide behind a widget.
  if ((isChoice || sig.inputType === "file") && vis.hiddenBy !== "display") return false;
  if (sig.tag === "select" && ctx.widgetBeside) return false;
  if (namedTrap) return ctx.cls !== "captcha";
  // Nothing visible around it, or one of many hidden fields: a dormant
  // step or section, not a trap.
  const displayHidden = vis.hiddenBy === "display" || vis.hiddenBy === "visibility";
  if (ctx.formVisibleControls === 0 || vis.hiddenPeers > 2 || (displayHidden && ctx.hiddenSingles > 2)) return false;
  let score = 0;
  if (!displayHidden) score += 0.6;
  else score += 0.3;
  if (vis.tabindexNegative) score += 0.3;
  if (/^(off|nope|false|new-password)$/.test(sig.autocomplete)) score += 0.05;
  // a real autofill token means the page wants this box filled
  if (
    /(^|\s)(name|given-name|additional-name|family-name|username|organization|street-address|address-line[123]|address-level[1-4]|country|country-name|postal-code|cc-[a-z-]+|bday[a-z-]*|url|tel[a-z-]*|email)(\s|$)/.test(
      sig.autocomplete,
    )
  )
    score -= 0.4;
  if (ctx.confirmLike) score -= 0.3;
  // a hidden twin of a visible field: a trap, or the other half of a
  // conditional pair (State text box vs State select), so only a nudge
  // when hidden the way conditional fields are
  if (ctx.duplicatesVisible && !ctx.confirmLike) score += displayHidden ? 0.15 : 0.3;
  // conditional fields hide a wrapper with their label; traps are often a
  // bare, unlabelled box hidden on its own
  if (!sig.label && !sig.placeholder && !sig.ariaLabel) score += displayHidden ? 0.2 : 0.1;
  if (vis.hiddenSelf && displayHidden && ctx.cls === "unknown") score += 0.15;
  if (rarelyTrap) score -= 0.6;
  return score >= 0.55;
}
