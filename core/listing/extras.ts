/**
 * The values of issue 20's directory types that follow from the profile
 * alone (tags, tagline, payment method names): one module, so the browser
 * engine fills and the staff packet lists the same values.
 */
import { sentences } from "./description";
import type { ListingProfile, PaymentMethod } from "./profile";
import { fold } from "../text";

/** The tags a listing has: its categories, then its services, each once. */
export function keywordsOf(p: ListingProfile): string[] {
  const seen = new Set<string>();
  return [...p.categories, ...(p.services ?? [])].filter((k) => {
    const key = fold(k);
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** As many whole tags as fit, comma-joined (a tag is never cut in half). */
export function joinKeywords(tags: readonly string[], maxLength: number): string {
  let out = "";
  for (const tag of tags) {
    const next = out ? `${out}, ${tag}` : tag;
    if (maxLength > 0 && next.length > maxLength) break;
    out = next;
  }
  return out;
}

/** The profile's tagline, else the short description's first sentence. */
export function taglineOf(p: ListingProfile): string | null {
  if (p.tagline) return p.tagline;
  if (!p.shortDescription) return null;
  return (sentences(p.shortDescription)[0] ?? p.shortDescription).trim();
}

/** Display names for a text field, by language (English where none). */
const PAYMENT_LABELS: Partial<Record<string, Partial<Record<PaymentMethod, string>>>> = {
  en: { cash: "Cash", card: "Credit card", debit: "Debit card", "bank-transfer": "Bank transfer", invoice: "Invoice", cheque: "Cheque" },
  de: { cash: "Bar", card: "Kreditkarte", debit: "EC-Karte", "bank-transfer": "Überweisung", invoice: "Rechnung", cheque: "Scheck" },
  fr: { cash: "Espèces", card: "Carte bancaire", debit: "Carte de débit", "bank-transfer": "Virement", invoice: "Facture", cheque: "Chèque" },
  es: { cash: "Efectivo", card: "Tarjeta de crédito", debit: "Tarjeta de débito", "bank-transfer": "Transferencia", invoice: "Factura", cheque: "Cheque" },
  it: { cash: "Contanti", card: "Carta di credito", debit: "Bancomat", "bank-transfer": "Bonifico", invoice: "Fattura", cheque: "Assegno" },
  nl: { cash: "Contant", card: "Creditcard", debit: "Pinpas", "bank-transfer": "Overschrijving", invoice: "Factuur", cheque: "Cheque" },
  pt: { cash: "Dinheiro", card: "Cartão de crédito", debit: "Cartão de débito", "bank-transfer": "Transferência", invoice: "Fatura", cheque: "Cheque" },
};
const BRAND: Partial<Record<PaymentMethod, string>> = { visa: "Visa", mastercard: "Mastercard", amex: "American Express", paypal: "PayPal", "apple-pay": "Apple Pay", "google-pay": "Google Pay" };

export function paymentLabel(method: PaymentMethod, language: string): string {
  return BRAND[method] ?? PAYMENT_LABELS[language.slice(0, 2)]?.[method] ?? PAYMENT_LABELS.en![method]!;
}
