/**
 * A directory that forwards its visitors' questions (issue 18): once a
 * listing is public, a visitor asks about it through the directory's contact
 * form and the directory mails the question to the listing's e-mail, i.e. the
 * mailbox DirectoryBolt gave it, which belongs to the customer. Not a
 * verification: no confirmation link, only the listing's own page. Designs
 * with `forwardsEnquiries` do this when the farm runs with `enquiries: true`
 * (off by default, so the farm's other tests see only verification mails).
 * One enquiry per listing, sent as the listing is published.
 */
import type { FarmStore } from "./store.ts";
import type { FarmMail, Listing, Variant } from "./types.ts";

export interface EnquiryContext {
  store: FarmStore;
  farmUrl: string;
  onMail?: (m: FarmMail) => void;
}

export const ENQUIRY_QUESTION = "Hello! Do you take orders for birthday cakes, and do you deliver on Sundays?";

export function enquiryMail(variant: Variant, listing: Listing, farmUrl: string): FarmMail {
  const host = new URL(farmUrl).hostname;
  return {
    from: `enquiries@${host}`,
    to: listing.email,
    subject: `A visitor asked about your listing – ${variant.name}`,
    text: [
      `A visitor of ${variant.name} sent a question about your listing "${listing.businessName}":`,
      "",
      `"${ENQUIRY_QUESTION}"`,
      "",
      "Reply to the visitor: jo.visitor@example.com",
      `Your listing: ${listing.url}`,
    ].join("\n"),
    link: listing.url,
    slug: variant.slug,
    listingId: listing.id,
    at: new Date().toISOString(),
    kind: "enquiry",
  };
}

/** Sends the listing's enquiry when it is published (at once if it is already). */
export function scheduleEnquiry(variant: Variant, listing: Listing, ctx: EnquiryContext): void {
  if (!listing.email || !listing.publishAt) return;
  const delay = Math.max(0, Date.parse(listing.publishAt) - Date.now()) + 100;
  const timer = setTimeout(() => {
    if (ctx.store.mails({ slug: variant.slug }).some((m) => m.kind === "enquiry" && m.listingId === listing.id)) return;
    const mail = enquiryMail(variant, listing, ctx.farmUrl);
    ctx.store.mail(mail);
    ctx.onMail?.(mail);
  }, delay);
  timer.unref();
}
