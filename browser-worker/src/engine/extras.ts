/**
 * Choosing options for the directory-form types beyond the listing itself
 * (issue 20): tags, price range, payment methods, head count (the values
 * that follow from the profile alone are in core/listing/extras.ts). Pure
 * functions of the profile and the field's options, so they are tested
 * without a browser; values.ts decides when each applies.
 *
 * Choices are read the way directories write them: price ranges as currency
 * signs or as words in order (cheap first), payment methods by their names
 * in the seven languages, head counts as ranges ("11-50", "1 à 10", "500+").
 */
import type { PaymentMethod, PriceRange } from "../../../core/listing/profile";
import { fold } from "../../../core/text";
import type { OptionInfo } from "./inpage";

const CURRENCY = /[$€£¥₹₩₽]/g;
/** Words for the price levels, cheapest first, in the seven languages. */
const PRICE_WORDS: readonly RegExp[] = [
  /\b(inexpensive|cheap|budget|low|gunstig|billig|bon marche|economique|barato|economico|economica|goedkoop|barato)\b/,
  /\b(moderate|medium|mid|average|mittel\w*|moyen\w*|moderado|medio|moderato|gemiddeld|normaal)\b/,
  /\b(expensive|high|upscale|teuer|gehoben|cher|eleve|caro|costoso|duur|elevado)\b/,
  /\b(very expensive|luxury|fine dining|premium|sehr teuer|luxus|tres cher|luxe|muy caro|lujo|molto costoso|lusso|zeer duur|muito caro)\b/,
];

/** The option for a price level: by its count of currency signs, else by its word, else by its place among the options. */
export function priceOption(level: PriceRange, options: readonly OptionInfo[]): OptionInfo | undefined {
  const n = level.length;
  const bySigns =
    options.find((o) => (o.label.match(CURRENCY)?.length ?? 0) === n && o.label.replace(CURRENCY, "").trim() === "") ??
    options.find((o) => (o.label.match(CURRENCY)?.length ?? 0) === n) ??
    options.find((o) => (o.value.match(CURRENCY)?.length ?? 0) === n);
  if (bySigns) return bySigns;
  // "very expensive" names "expensive" too: the third level takes a label without the fourth's words.
  const byWord = options.find((o) => PRICE_WORDS[n - 1]!.test(fold(o.label)) && (n === 4 || !PRICE_WORDS[3]!.test(fold(o.label))));
  if (byWord) return byWord;
  return options.length === 4 ? options[n - 1] : undefined;
}

/** Names of each payment method as directories label them (folded), in the seven languages. */
const PAYMENT_NAMES: Record<PaymentMethod, readonly string[]> = {
  cash: ["cash", "bar", "barzahlung", "bargeld", "especes", "liquide", "efectivo", "contanti", "contante", "contant", "dinheiro", "numerario"],
  card: [
    "card",
    "cards",
    "credit card",
    "credit cards",
    "karte",
    "kreditkarte",
    "kartenzahlung",
    "carte",
    "carte bancaire",
    "carte de credit",
    "tarjeta",
    "tarjeta de credito",
    "carta",
    "carta di credito",
    "creditcard",
    "pinpas",
    "cartao",
    "cartao de credito",
  ],
  visa: ["visa"],
  mastercard: ["mastercard", "master card"],
  amex: ["amex", "american express"],
  debit: ["debit", "debit card", "ec", "ec karte", "girocard", "maestro", "carte de debit", "tarjeta de debito", "bancomat", "pin", "cartao de debito"],
  paypal: ["paypal"],
  "bank-transfer": [
    "bank transfer",
    "transfer",
    "wire transfer",
    "uberweisung",
    "bankuberweisung",
    "virement",
    "virement bancaire",
    "transferencia",
    "transferencia bancaria",
    "bonifico",
    "bonifico bancario",
    "overschrijving",
    "bankoverschrijving",
  ],
  invoice: ["invoice", "rechnung", "auf rechnung", "facture", "factura", "fattura", "factuur", "fatura"],
  "apple-pay": ["apple pay", "applepay"],
  "google-pay": ["google pay", "googlepay", "gpay"],
  cheque: ["cheque", "check", "scheck", "cheque bancaire", "assegno"],
};

/** The options naming one of the profile's payment methods (a card brand also counts as "card" where the form has no brand). */
export function paymentOptions(methods: readonly PaymentMethod[], options: readonly OptionInfo[]): OptionInfo[] {
  const names = (o: OptionInfo) => [fold(o.label), fold(o.value).replace(/[-_]/g, " ")];
  const matches = (o: OptionInfo, m: PaymentMethod) => names(o).some((n) => PAYMENT_NAMES[m].includes(n));
  const picked = options.filter((o) => methods.some((m) => matches(o, m)));
  const brands: PaymentMethod[] = ["visa", "mastercard", "amex"];
  if (methods.some((m) => brands.includes(m)) && !methods.includes("card")) {
    const card = options.find((o) => matches(o, "card"));
    if (card && !picked.includes(card) && !options.some((o) => brands.some((b) => matches(o, b)))) picked.push(card);
  }
  return picked.sort((a, b) => a.index - b.index);
}

/** The option whose range holds the head count: "1-10", "11 - 50", "1 à 10", "501+", "more than 500", "< 5". */
export function employeesOption(count: number, options: readonly OptionInfo[]): OptionInfo | undefined {
  for (const o of options) {
    const text = fold(o.label).replace(/(\d)[ .,'](?=\d{3}\b)/g, "$1");
    const nums = [...text.matchAll(/\d+/g)].map((m) => Number(m[0]));
    if (nums.length === 0) continue;
    const [a, b] = nums;
    if (nums.length >= 2 && count >= a! && count <= b!) return o;
    if (nums.length === 1) {
      if (/\+|\b(more|over|mehr|uber|plus|mas|oltre|meer|mais)\b|>/.test(text) && count >= a!) return o;
      if (/\b(less|under|fewer|weniger|unter|moins|menos|meno|minder)\b|</.test(text) && count < a!) return o;
      if (count === a) return o;
    }
  }
  return undefined;
}
