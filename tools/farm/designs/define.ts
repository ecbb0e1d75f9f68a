/**
 * Builders that keep each design a short data entry: sensible control kinds
 * and formats per field type, and design defaults per language.
 */
import type { FieldType } from "../../../core/vocabulary.ts";
import { UI } from "../i18n.ts";
import type { ControlKind, Design, FieldFormat, FieldSpec, Language } from "../types.ts";

const DEFAULT_CONTROL: Partial<Record<FieldType, ControlKind>> = {
  email: "email",
  tel: "tel",
  fax: "tel",
  url: "url",
  "social-facebook": "url",
  "social-instagram": "url",
  "social-linkedin": "url",
  "social-twitter": "url",
  "social-youtube": "url",
  "social-tiktok": "url",
  "social-other": "url",
  description: "textarea",
  "street-address": "textarea",
  category: "select",
  country: "select",
  terms: "checkbox",
  captcha: "captcha-image",
  "new-password": "password",
  "current-password": "password",
};

const DEFAULT_FORMAT: Partial<Record<FieldType, FieldFormat>> = {
  email: "email",
  tel: "tel",
  fax: "tel",
  url: "url",
  "social-facebook": "url",
  "social-instagram": "url",
  "social-linkedin": "url",
  "social-twitter": "url",
  "social-youtube": "url",
  "social-other": "url",
};

type FieldExtras = Partial<Omit<FieldSpec, "type" | "name" | "label">>;

/** A field; control and format default from its type (override in extras; `format: undefined` keeps the default). */
export function field(type: FieldType, name: string, label: string, extras: FieldExtras = {}): FieldSpec {
  const spec: FieldSpec = {
    name,
    type,
    label,
    required: false,
    control: DEFAULT_CONTROL[type] ?? "text",
    ...extras,
  };
  if (!("format" in extras) && DEFAULT_FORMAT[type] && spec.control !== "select") spec.format = DEFAULT_FORMAT[type];
  if (type === "terms" && !spec.value) spec.value = "1";
  return spec;
}

/** A required field. */
export function req(type: FieldType, name: string, label: string, extras: FieldExtras = {}): FieldSpec {
  return field(type, name, label, { ...extras, required: true });
}

/** A honeypot: an ordinary-looking input hidden from people, which must stay empty. */
export function honeypot(name: string, label: string, style: FieldSpec["honeypot"], extras: FieldExtras = {}): FieldSpec {
  return field("honeypot", name, label, { control: "text", honeypot: style, format: undefined, ...extras });
}

const DEFAULT_COUNTRIES: Record<Language, string[]> = {
  en: ["US", "GB", "CA", "AU", "IE"],
  de: ["DE", "AT", "CH"],
  fr: ["FR", "BE", "CH"],
  es: ["ES", "MX"],
  it: ["IT", "CH"],
  nl: ["NL", "BE"],
  pt: ["PT", "BR"],
};

const DEFAULT_SUBMIT: Record<Language, string> = {
  en: "Submit listing",
  de: "Eintrag absenden",
  fr: "Envoyer",
  es: "Enviar",
  it: "Invia",
  nl: "Versturen",
  pt: "Enviar",
};

const DEFAULT_SUCCESS: Record<Language, string> = {
  en: "Thank you! Your listing has been submitted.",
  de: "Vielen Dank! Ihr Eintrag wurde übermittelt.",
  fr: "Merci ! Votre fiche a bien été enregistrée.",
  es: "¡Gracias! Su empresa ha sido registrada.",
  it: "Grazie! La sua scheda è stata inviata.",
  nl: "Bedankt! Uw bedrijf is aangemeld.",
  pt: "Obrigado! A sua empresa foi registada.",
};

type DesignInput = Pick<Design, "id" | "title" | "language" | "fields"> & Partial<Omit<Design, "confirmation">> & { confirmation?: Partial<Design["confirmation"]> };

/** A design with defaults filled in: steps from the fields, account and approval from the features. */
export function design(input: DesignInput): Design {
  const steps = Math.max(1, ...input.fields.map((f) => f.step ?? 1));
  const emailVerification = input.emailVerification ?? false;
  const account = input.account ?? input.fields.some((f) => f.type === "new-password" || f.type === "username");
  const language = input.language;
  return {
    countries: DEFAULT_COUNTRIES[language],
    labelStyle: "for",
    submitPath: "submit",
    delivery: "html",
    errorStatus: 200,
    submitLabel: DEFAULT_SUBMIT[language],
    ...input,
    steps,
    emailVerification,
    account,
    approval: input.approval ?? (emailVerification ? "email" : "review"),
    confirmation: {
      kind: "page",
      text: emailVerification ? UI[language].emailPending : DEFAULT_SUCCESS[language],
      showsListingUrl: false,
      ...input.confirmation,
    },
  };
}
