/**
 * Multi-page designs: values are kept server-side (session cookie) from page
 * to page, and only the last page creates the listing.
 */
import type { Design } from "../types.ts";
import { design, field, req } from "./define.ts";
import { DE_STATES, ES_PROVINCES, categoryOptions } from "./options.ts";

export const wizardDesigns: Design[] = [
  design({
    id: "wizard-3",
    title: "Three-page wizard (business, location and contact, description and terms) with a Laravel _token on each page",
    language: "en",
    csrf: "_token",
    confirmation: { text: "Your listing has been submitted! Our team will review it shortly.", showsListingUrl: true },
    fields: [
      req("organization", "business_name", "Business name", { step: 1 }),
      req("category", "category_id", "Category", { step: 1, options: categoryOptions("en", "numeric") }),
      field("url", "website", "Website", { step: 1 }),
      req("address-line1", "street", "Street address", { control: "text", step: 2 }),
      req("address-level2", "city", "City", { step: 2 }),
      field("address-level1", "state", "State", { step: 2 }),
      req("postal-code", "zip", "ZIP / Postal code", { step: 2 }),
      req("tel", "phone", "Phone", { step: 2 }),
      req("email", "email", "Email", { step: 2 }),
      req("description", "description", "Description", { step: 3, maxLength: 500 }),
      field("hours", "hours", "Opening hours", { control: "textarea", step: 3 }),
      req("terms", "terms", "I agree to the terms", { step: 3 }),
    ],
  }),
  design({
    id: "wizard-account",
    title: "Two pages: create an account (e-mail, username, password), then the listing; e-mail confirmation follows",
    language: "en",
    emailVerification: true,
    fields: [
      req("email", "account_email", "Email", { step: 1 }),
      req("username", "account_username", "Choose a username", { step: 1 }),
      req("new-password", "account_password", "Password", { step: 1 }),
      req("organization", "listing_name", "Business name", { step: 2 }),
      req("tel", "listing_phone", "Phone", { step: 2 }),
      field("url", "listing_url", "Website", { step: 2 }),
      req("street-address", "listing_address", "Address", { step: 2 }),
      req("category", "listing_category", "Category", { step: 2, options: categoryOptions("en") }),
      req("description", "listing_description", "Description", { step: 2, maxLength: 500 }),
    ],
  }),
  design({
    id: "de-wizard",
    title: "German two-page wizard: Firmendaten then Kontakt, AGB and Datenschutz checkboxes, redirect to a thanks page",
    language: "de",
    submitPath: "eintragen",
    confirmation: { kind: "redirect", text: "Vielen Dank für Ihre Anmeldung! Ihr Eintrag wird geprüft." },
    fields: [
      req("organization", "firma", "Firmenname", { step: 1 }),
      req("category", "branche", "Branche", { step: 1, options: categoryOptions("de") }),
      req("description", "beschreibung", "Beschreibung", { step: 1, maxLength: 500 }),
      field("hours", "oeffnungszeiten", "Öffnungszeiten", { step: 1, control: "textarea" }),
      req("address-line1", "strasse", "Straße und Hausnummer", { step: 2 }),
      req("postal-code", "plz", "PLZ", { step: 2 }),
      req("address-level2", "ort", "Ort", { step: 2 }),
      field("address-level1", "bundesland", "Bundesland", { step: 2, control: "select", options: DE_STATES }),
      req("tel", "telefon", "Telefon", { step: 2 }),
      req("email", "email", "E-Mail-Adresse", { step: 2 }),
      field("url", "webseite", "Webseite", { step: 2 }),
      req("terms", "agb", "Ich akzeptiere die AGB", { step: 2 }),
      req("terms", "datenschutz", "Ich habe die Datenschutzerklärung gelesen", { step: 2 }),
    ],
  }),
  design({
    id: "es-wizard-captcha",
    title: "Spanish three-page wizard ending with an image captcha",
    language: "es",
    submitPath: "alta",
    confirmation: { text: "Solicitud completada. Su empresa aparecerá tras la revisión." },
    fields: [
      req("organization", "empresa", "Nombre de la empresa", { step: 1 }),
      req("category", "sector", "Sector", { step: 1, options: categoryOptions("es") }),
      req("tel", "telefono", "Teléfono", { step: 2 }),
      req("email", "correo", "Correo electrónico", { step: 2 }),
      field("url", "web", "Página web", { step: 2 }),
      req("address-line1", "direccion", "Dirección", { step: 2 }),
      req("postal-code", "cp", "Código postal", { step: 2 }),
      req("address-level2", "localidad", "Localidad", { step: 2 }),
      field("address-level1", "provincia", "Provincia", { step: 2, control: "select", options: ES_PROVINCES }),
      req("description", "descripcion", "Descripción", { step: 3, maxLength: 400 }),
      req("captcha", "codigo", "Escriba los caracteres de la imagen", { step: 3 }),
    ],
  }),
];
