/**
 * Designs whose form is not plain server HTML: built by script after load,
 * submitted by fetch, embedded in an iframe, or using a styled dropdown that
 * is not a <select>.
 */
import type { Design } from "../types.ts";
import { design, field, honeypot, req } from "./define.ts";
import { categoryOptions, countryOptions } from "./options.ts";

export const dynamicDesigns: Design[] = [
  design({
    id: "js-built",
    title: "Form built by JavaScript 700 ms after load (fetched fragment), posted normally; CSS-hidden honeypot",
    language: "en",
    delivery: "js-built",
    buildDelayMs: 700,
    confirmation: { kind: "redirect", text: "Thanks! Your submission is in." },
    fields: [
      req("organization", "company", "Company name"),
      req("email", "email", "Email"),
      req("tel", "phone", "Phone"),
      field("url", "website", "Website"),
      req("address-level2", "city", "City"),
      req("category", "category", "Category", { options: categoryOptions("en") }),
      req("description", "description", "Description", { maxLength: 500 }),
      req("terms", "accept", "I accept the terms"),
      honeypot("company_fax", "Fax", "css-class"),
    ],
  }),
  design({
    id: "spa-fetch",
    title: "Single-page app: form rendered by script, submitted with fetch, confirmation shown in place without navigation",
    language: "en",
    delivery: "spa-fetch",
    buildDelayMs: 400,
    autocompleteAttrs: true,
    approval: "instant",
    confirmation: { kind: "inline", text: "Your business has been submitted successfully.", showsListingUrl: true },
    fields: [
      req("organization", "businessName", "Business name"),
      req("email", "contactEmail", "Contact email"),
      req("tel", "phoneNumber", "Phone number"),
      field("url", "websiteUrl", "Website URL"),
      req("address-line1", "addressLine1", "Address"),
      req("address-level2", "addressCity", "City"),
      field("address-level1", "addressRegion", "State / Region"),
      req("postal-code", "addressPostcode", "Postcode"),
      req("category", "categoryId", "Category", { options: categoryOptions("en", "numeric") }),
      req("description", "about", "About", { maxLength: 400 }),
    ],
  }),
  design({
    id: "iframe-embed",
    title: "The form lives in a same-origin iframe (an embedded form provider); confirmation inside the frame",
    language: "en",
    delivery: "iframe",
    labelStyle: "wrap",
    confirmation: { text: "Submission received, thank you!" },
    fields: [
      req("organization", "f_company", "Company"),
      req("email", "f_email", "Email"),
      req("tel", "f_phone", "Phone"),
      field("url", "f_website", "Website"),
      req("address-line1", "f_street", "Street", { control: "text" }),
      req("address-level2", "f_city", "City"),
      req("postal-code", "f_zip", "ZIP"),
      req("category", "f_category", "Category", { options: categoryOptions("en") }),
      req("description", "f_description", "Description", { maxLength: 500 }),
    ],
  }),
  design({
    id: "custom-dropdown",
    title: "Category and country chosen in div listboxes (role=combobox/listbox) backed by hidden inputs",
    language: "en",
    labelStyle: "aria-labelledby",
    approval: "instant",
    confirmation: { text: "Your business is now listed.", showsListingUrl: true },
    fields: [
      req("organization", "business", "Business name"),
      req("email", "email", "Email"),
      req("tel", "phone", "Phone"),
      field("url", "url", "Website"),
      req("category", "category", "Category", { control: "listbox", options: categoryOptions("en") }),
      req("address-level2", "city", "City"),
      req("country", "country", "Country", { control: "listbox", options: countryOptions("en") }),
      req("description", "description", "Description", { maxLength: 500 }),
    ],
  }),
];
