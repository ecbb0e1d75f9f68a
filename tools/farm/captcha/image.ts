/**
 * Image captchas: distorted text drawn as SVG strokes. The answer never
 * appears as text (no <text>, no title): glyphs are jittered polylines from a
 * tiny stroke font, so reading the SVG source gives nothing away.
 * The background colour is unique per challenge, so the stand-in solver can
 * recognise the image from its bytes or from a PNG screenshot of it.
 */
import { randomInt } from "node:crypto";

/** Letters and digits that no font confuses (no 0/O, 1/I, 8/B). */
export const CAPTCHA_ALPHABET = "ACEFHKLMNPRTUVWXY2345679";

type Stroke = [number, number][];
// Glyphs on a 4-wide, 6-high grid, y downwards.
const GLYPHS: Record<string, Stroke[]> = {
  A: [[[0, 6], [2, 0], [4, 6]], [[1, 3.5], [3, 3.5]]],
  C: [[[4, 0.6], [3, 0], [1, 0], [0, 1], [0, 5], [1, 6], [3, 6], [4, 5.4]]],
  E: [[[4, 0], [0, 0], [0, 6], [4, 6]], [[0, 3], [3, 3]]],
  F: [[[4, 0], [0, 0], [0, 6]], [[0, 3], [3, 3]]],
  H: [[[0, 0], [0, 6]], [[4, 0], [4, 6]], [[0, 3], [4, 3]]],
  K: [[[0, 0], [0, 6]], [[4, 0], [0, 3.6]], [[1.3, 2.6], [4, 6]]],
  L: [[[0, 0], [0, 6], [4, 6]]],
  M: [[[0, 6], [0, 0], [2, 3], [4, 0], [4, 6]]],
  N: [[[0, 6], [0, 0], [4, 6], [4, 0]]],
  P: [[[0, 6], [0, 0], [3, 0], [4, 1], [4, 2], [3, 3], [0, 3]]],
  R: [[[0, 6], [0, 0], [3, 0], [4, 1], [4, 2], [3, 3], [0, 3]], [[2, 3], [4, 6]]],
  T: [[[0, 0], [4, 0]], [[2, 0], [2, 6]]],
  U: [[[0, 0], [0, 5], [1, 6], [3, 6], [4, 5], [4, 0]]],
  V: [[[0, 0], [2, 6], [4, 0]]],
  W: [[[0, 0], [1, 6], [2, 2], [3, 6], [4, 0]]],
  X: [[[0, 0], [4, 6]], [[4, 0], [0, 6]]],
  Y: [[[0, 0], [2, 3], [4, 0]], [[2, 3], [2, 6]]],
  "2": [[[0, 1], [1, 0], [3, 0], [4, 1], [4, 2], [0, 6], [4, 6]]],
  "3": [[[0, 0], [4, 0], [2, 2.5], [3, 2.5], [4, 3.5], [4, 5], [3, 6], [1, 6], [0, 5]]],
  "4": [[[3, 6], [3, 0], [0, 4], [4, 4]]],
  "5": [[[4, 0], [0, 0], [0, 3], [3, 3], [4, 4], [4, 5], [3, 6], [0, 6]]],
  "6": [[[3, 0], [1, 0], [0, 1], [0, 5], [1, 6], [3, 6], [4, 5], [4, 4], [3, 3], [0, 3]]],
  "7": [[[0, 0], [4, 0], [1.5, 6]]],
  "9": [[[4, 3], [1, 3], [0, 2], [0, 1], [1, 0], [3, 0], [4, 1], [4, 5], [3, 6], [1, 6]]],
};

export const CAPTCHA_WIDTH = 180;
export const CAPTCHA_HEIGHT = 64;

export function randomAnswer(length = 5): string {
  let out = "";
  for (let i = 0; i < length; i++) out += CAPTCHA_ALPHABET[randomInt(CAPTCHA_ALPHABET.length)];
  return out;
}

const rand = (min: number, max: number) => min + (randomInt(1_000_000) / 1_000_000) * (max - min);
const fmt = (n: number) => n.toFixed(1);

/** `background` is "#rrggbb", light enough for dark strokes to stay readable. */
export function renderCaptchaSvg(answer: string, background: string): string {
  const parts: string[] = [];
  const scale = 5.2;
  const slot = CAPTCHA_WIDTH / (answer.length + 1);
  [...answer].forEach((ch, i) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new Error(`no glyph for ${ch}`);
    const cx = slot * (i + 0.75) + rand(-3, 3);
    const cy = CAPTCHA_HEIGHT / 2 + rand(-5, 5);
    const angle = rand(-24, 24);
    const colour = `rgb(${randomInt(20, 90)},${randomInt(20, 90)},${randomInt(40, 120)})`;
    const d = glyph
      .map((stroke) =>
        stroke
          .map(([x, y], k) => `${k ? "L" : "M"}${fmt((x - 2 + rand(-0.25, 0.25)) * scale)} ${fmt((y - 3 + rand(-0.25, 0.25)) * scale)}`)
          .join(""),
      )
      .join("");
    parts.push(
      `<path d="${d}" transform="translate(${fmt(cx)} ${fmt(cy)}) rotate(${fmt(angle)}) skewX(${fmt(rand(-12, 12))})" fill="none" stroke="${colour}" stroke-width="${fmt(rand(2.4, 3.4))}" stroke-linecap="round" stroke-linejoin="round"/>`,
    );
  });
  // Noise: thin curves across the text, as real captchas draw.
  for (let i = 0; i < 5; i++) {
    const y1 = rand(8, CAPTCHA_HEIGHT - 8);
    const y2 = rand(8, CAPTCHA_HEIGHT - 8);
    parts.push(
      `<path d="M0 ${fmt(y1)} Q${fmt(rand(40, 140))} ${fmt(rand(0, CAPTCHA_HEIGHT))} ${CAPTCHA_WIDTH} ${fmt(y2)}" fill="none" stroke="rgb(${randomInt(60, 160)},${randomInt(60, 160)},${randomInt(60, 160)})" stroke-width="1.2"/>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CAPTCHA_WIDTH}" height="${CAPTCHA_HEIGHT}" viewBox="0 0 ${CAPTCHA_WIDTH} ${CAPTCHA_HEIGHT}">` +
    `<rect width="100%" height="100%" fill="${background}"/>${parts.join("")}</svg>`
  );
}

/**
 * A distinct light colour for the n-th challenge: 64 levels per channel in
 * 176..239, spaced 1 apart, so 262,144 challenges before a repeat.
 */
export function backgroundFor(n: number): { hex: string; rgb: [number, number, number] } {
  const k = n % (64 * 64 * 64);
  const rgb: [number, number, number] = [176 + (k & 63), 176 + ((k >> 6) & 63), 176 + ((k >> 12) & 63)];
  return { hex: "#" + rgb.map((c) => c.toString(16).padStart(2, "0")).join(""), rgb };
}
