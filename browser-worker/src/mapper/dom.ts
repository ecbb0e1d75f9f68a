/**
 * The slice of the DOM the in-page mapper touches, declared here so the
 * mapper typechecks the same under every tsconfig in the repo: the Workers
 * ones have no DOM lib (and their `Element` is HTMLRewriter's). In-page
 * functions reach the real globals through `globalThis as unknown as PageGlobals`.
 * Type-only: nothing here exists at runtime.
 */
export interface DomRect {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}
export interface DomNode {
  nodeType: number;
  nodeValue: string | null;
  firstChild: DomNode | null;
  nextSibling: DomNode | null;
  previousSibling: DomNode | null;
  parentElement: DomElement | null;
}
export interface DomAttr {
  name: string;
  value: string;
}
export interface DomElement extends DomNode {
  tagName: string;
  id: string;
  innerText?: string;
  scrollWidth?: number;
  scrollHeight?: number;
  attributes: ArrayLike<DomAttr>;
  firstElementChild: DomElement | null;
  previousElementSibling: DomElement | null;
  nextElementSibling: DomElement | null;
  getAttribute(name: string): string | null;
  closest(selector: string): DomElement | null;
  matches(selector: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  contains(other: DomNode): boolean;
  getBoundingClientRect(): DomRect;
  // form controls (present on input/select/textarea only)
  labels?: ArrayLike<DomElement> | null;
  form?: DomElement | null;
  options?: ArrayLike<{ text: string; value: string }>;
  multiple?: boolean;
  maxLength?: number;
  // table cells and rows
  cells?: ArrayLike<DomElement>;
  cellIndex?: number;
}
export interface DomStyle {
  display: string;
  visibility: string;
  opacity: string;
  clip: string;
  clipPath: string;
  overflow: string;
  overflowX: string;
  overflowY: string;
}
export interface DomDocument {
  title: string;
  body: DomElement | null;
  documentElement: DomElement;
  forms: ArrayLike<DomElement>;
  getElementById(id: string): DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
}
export interface PageGlobals {
  document: DomDocument;
  location: { href: string };
  scrollX: number;
  scrollY: number;
  innerWidth: number;
  innerHeight: number;
  CSS?: { escape(s: string): string };
  getComputedStyle(el: DomElement): DomStyle;
}
